"""HR source system (SIHAM-like): agents, careers, structures, functions, pay and sensitive records."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, Integer, Numeric, String

from pipelines.synthetic.schema_common import col

metadata = sa.MetaData()

agents = sa.Table(
    "agents", metadata,
    col("matricule", String(8), "Agent number in the HR system", key=True),
    col("nom", String(80), "Birth surname (nom de famille)", nullable=False),
    col("nom_usage", String(80), "Usual surname when different (e.g. spouse's name)"),
    col("prenom", String(80), "First name", nullable=False),
    col("sexe", String(1), "Sex: F or M", nullable=False),
    col("date_naissance", Date, "Date of birth", nullable=False),
    col("nir", String(15), "Social security number (NIR) with its 2-digit key"),
    col("adresse_perso", String(200), "Home address: number and street"),
    col("code_postal_perso", String(5), "Home postcode"),
    col("commune_perso", String(80), "Home commune name"),
    col("code_commune_perso", String(5), "Home commune INSEE code (COG)"),
    col("email_perso", String(120), "Personal e-mail address"),
    col("telephone_perso", String(20), "Personal phone number"),
    col("email_pro", String(120), "Professional e-mail address"),
    col("telephone_pro", String(20), "Professional phone number"),
    comment="One row per person who worked at the university during the years covered.",
)

situations = sa.Table(
    "situations", metadata,
    col("id_situation", BigInteger, "Identifier of the career situation", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("date_debut", Date, "First day of the situation", nullable=False),
    col("date_fin", Date, "Last day of the situation; empty while it lasts"),
    col("type_personnel", String(12), "Staff type: enseignant or BIATSS", nullable=False),
    col("statut", String(12), "titulaire, stagiaire or contractuel", nullable=False),
    col("corps", String(12), "Corps code (PR, MCF, IGE, TECH...) or CONTRACTUEL", nullable=False),
    col("grade", String(20), "Grade code within the corps", nullable=False),
    col("echelon", Integer, "Echelon within the grade; empty for contract staff"),
    col("categorie", String(1), "Civil-service category A, B or C", nullable=False),
    col("section_cnu", String(2), "CNU section of a teacher-researcher (2 digits); empty for BIATSS"),
    col("bap", String(1), "BAP (RéFérens III branch, A to J) of an ITRF agent; empty for others"),
    col("quotite", Numeric(5, 2), "Working time in percent of full time", nullable=False),
    col("code_structure", String(12), "Assignment structure (structures.code_structure)", nullable=False),
    comment="One row per period of an agent's career: staff type, corps, grade, echelon, working time, assignment.",
)

structures = sa.Table(
    "structures", metadata,
    col("code_structure", String(12), "Structure code", key=True),
    col("libelle", String(200), "Structure label", nullable=False),
    col("type_structure", String(20), "universite, ufr, institut, ecole, laboratoire, departement or service",
        nullable=False),
    col("code_parent", String(12), "Parent structure code; empty for the university"),
    col("uai", String(8), "UAI code of the national directory of establishments (7 digits + check letter)"),
    col("adresse", String(200), "Site address: number and street"),
    col("code_postal", String(5), "Site postcode"),
    col("commune", String(80), "Site commune name"),
    col("code_commune", String(5), "Site commune INSEE code (COG)"),
    col("latitude", Numeric(9, 6), "Latitude (WGS 84)"),
    col("longitude", Numeric(9, 6), "Longitude (WGS 84)"),
    col("date_ouverture", Date, "Opening date", nullable=False),
    col("date_fermeture", Date, "Closing date; empty while open"),
    comment="The organisation chart: university, components, laboratories, departments and services.",
)

fonctions = sa.Table(
    "fonctions", metadata,
    col("id_fonction", BigInteger, "Identifier of the function held", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("libelle_fonction", String(200), "Function title, e.g. Directrice de l'UFR de chimie", nullable=False),
    col("code_structure", String(12), "Structure the function belongs to", nullable=False),
    col("date_debut", Date, "Start of the mandate", nullable=False),
    col("date_fin", Date, "End of the mandate; empty while held"),
    col("visible_annuaire", Boolean, "True when the function appears in the public directory", nullable=False),
    col("code_fonction", String(12), "Code of the function in the HR system (RESP_FORM: programme head)",
        nullable=False),
    comment="Public functions held by agents (heads of structures, vice-presidents, programme heads...).",
)

tableaux_avancement = sa.Table(
    "tableaux_avancement", metadata,
    col("id_avancement", BigInteger, "Identifier of the line", key=True),
    col("annee", Integer, "Year of the promotion table", nullable=False),
    col("corps", String(12), "Corps code", nullable=False),
    col("grade_acces", String(20), "Grade the agent is promoted to", nullable=False),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("rang", Integer, "Rank on the table", nullable=False),
    col("date_effet", Date, "Date the promotion takes effect", nullable=False),
    comment="Promotion tables (tableaux d'avancement de grade): agents promoted each year, by rank.",
)

paie = sa.Table(
    "paie", metadata,
    col("id_paie", BigInteger, "Identifier of the pay line", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("annee", Integer, "Pay year", nullable=False),
    col("mois", Integer, "Pay month (1-12)", nullable=False),
    col("indice_majore", Integer, "Index (indice majoré) the salary is computed from"),
    col("brut", Numeric(10, 2), "Gross salary of the month (euros)", nullable=False),
    col("primes", Numeric(10, 2), "Bonuses and allowances of the month (euros)", nullable=False),
    col("primes_hors_index", Numeric(10, 2), "Part of the month's bonuses that the equality index leaves out: "
        "overseas majoration, residence allowance abroad (euros)", nullable=False),
    comment="Monthly individual pay: gross salary and bonuses of each agent.",
)

remunerations = sa.Table(
    "remunerations", metadata,
    col("id_remuneration", BigInteger, "Identifier of the yearly pay statement", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("annee", Integer, "Calendar year paid (completed years only)", nullable=False),
    col("corps", String(12), "Corps code, or CONTRACTUEL, in the last month paid", nullable=False),
    col("grade", String(20), "Grade code in the last month paid", nullable=False),
    col("echelon", Integer, "Echelon in the last month paid; empty for contract staff"),
    col("categorie", String(1), "Civil-service category A, B or C", nullable=False),
    col("statut", String(12), "titulaire, stagiaire or contractuel in the last month paid", nullable=False),
    col("indice_majore", Integer, "Index (indice majoré) in the last month paid; a contract agent's contract index",
        nullable=False),
    col("quotite", Numeric(5, 2), "Working time in the last month paid, in percent of full time", nullable=False),
    col("mois_payes", Integer, "Months paid in the year (1-12)", nullable=False),
    col("traitement_brut", Numeric(12, 2), "Gross salary of the year: index x point value x working time (euros)",
        nullable=False),
    col("primes", Numeric(12, 2), "Bonuses and allowances of the year (euros)", nullable=False),
    col("primes_hors_index", Numeric(12, 2), "Part of the year's bonuses that the equality index leaves out: "
        "overseas majoration, residence allowance abroad (euros)", nullable=False),
    col("brut_annuel", Numeric(12, 2), "Gross pay of the year: salary plus bonuses (euros)", nullable=False),
    comment="Yearly pay statement per agent (as the annual declaration of pay): the sums of the monthly pay lines.",
)

conges_maladie = sa.Table(
    "conges_maladie", metadata,
    col("id_conge", BigInteger, "Identifier of the sick leave", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("type_conge", String(8), "CMO, CLM, CLD or CITIS", nullable=False),
    col("date_debut", Date, "First day of leave", nullable=False),
    col("date_fin", Date, "Last day of leave", nullable=False),
    col("nb_jours", Integer, "Number of calendar days", nullable=False),
    comment="Sick leaves (health data: never published).",
)

handicap = sa.Table(
    "handicap", metadata,
    col("id_handicap", BigInteger, "Identifier of the record", key=True),
    col("matricule", String(8), "Agent number (agents.matricule)", nullable=False),
    col("type_reconnaissance", String(80), "Kind of recognition (RQTH, invalidity pension...)", nullable=False),
    col("date_reconnaissance", Date, "Date of the recognition", nullable=False),
    col("date_fin_validite", Date, "End of validity; empty when permanent"),
    col("taux_incapacite", Integer, "Incapacity rate in percent, when known"),
    col("amenagement_poste", Boolean, "Workstation adapted", nullable=False),
    comment="Disability recognitions of agents (health data: never published).",
)

oppositions_agents = sa.Table(
    "oppositions_agents", metadata,
    col("matricule", String(8), "Agent number (agents.matricule)", key=True),
    col("date_opposition", Date, "Date the agent objected to nominative publication", nullable=False),
    comment="Agents who objected to the publication of their name (GDPR art. 21).",
)

# Extraction filters on the partition columns and joins on agent numbers: index them.
sa.Index("ix_situations_matricule", situations.c.matricule)
sa.Index("ix_situations_date_debut", situations.c.date_debut)
sa.Index("ix_fonctions_date_debut", fonctions.c.date_debut)
sa.Index("ix_tableaux_avancement_annee", tableaux_avancement.c.annee)
sa.Index("ix_paie_annee", paie.c.annee)
sa.Index("ix_remunerations_annee", remunerations.c.annee)
sa.Index("ix_conges_maladie_date_debut", conges_maladie.c.date_debut)
