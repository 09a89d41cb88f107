"""Student records system (Apogée/Pégase-like): students, diplomas, enrolments, results, comments."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, Numeric, String, Text

from pipelines.synthetic.schema_common import col

metadata = sa.MetaData()

etudiants = sa.Table(
    "etudiants", metadata,
    col("numero_etudiant", Integer, "Student number in the system", key=True),
    col("ine", String(11), "National student identifier (INE), 11 characters"),
    col("nom", String(80), "Birth surname", nullable=False),
    col("nom_usage", String(80), "Usual surname when different"),
    col("prenom", String(80), "First name", nullable=False),
    col("sexe", String(1), "Sex: F or M", nullable=False),
    col("date_naissance", Date, "Date of birth", nullable=False),
    col("code_commune_naissance", String(5), "Birth commune INSEE code; empty when born abroad"),
    col("pays_naissance", String(2), "Birth country (ISO 3166 alpha-2)", nullable=False),
    col("nationalite", String(2), "Nationality (ISO 3166 alpha-2)", nullable=False),
    col("adresse", String(200), "Home address: number and street"),
    col("code_postal", String(5), "Home postcode"),
    col("commune", String(80), "Home commune name"),
    col("code_commune", String(5), "Home commune INSEE code (COG)"),
    col("email_perso", String(120), "Personal e-mail address"),
    col("telephone", String(20), "Phone number"),
    col("serie_bac", String(10), "Baccalauréat series (S, ES, L, GENERAL, STMG, STI2D, PRO...) or ETRANGER, DAEU",
        nullable=False),
    col("annee_bac", Integer, "Year the baccalauréat was obtained", nullable=False),
    col("mention_bac", String(2), "Baccalauréat honours: P, AB, B, TB; empty when none"),
    col("echelon_bourse", String(4), "Scholarship level of the CROUS (0bis to 7); empty when none"),
    col("situation_handicap", Boolean, "Student declared a disability", nullable=False),
    comment="One row per student known to the system (reference table).",
)

diplomes = sa.Table(
    "diplomes", metadata,
    col("code_diplome", String(7), "Diploma code (N_DIPLOME_SISE shape, 7 characters)", key=True),
    col("libelle", String(200), "Diploma title", nullable=False),
    col("type_diplome", String(30), "licence, licence professionnelle, BUT, master or doctorat", nullable=False),
    col("type_diplome_sise", String(2), "SISE type of diploma (BCN N_TYPE_DIPLOME_SISE: XA, DP, XB, YB...)",
        nullable=False),
    col("niveau_sortie", String(6), "Level reached: bac+3, bac+5 or bac+8", nullable=False),
    col("code_discipline", String(2), "SISE discipline (BCN N_DISCIPLINE_SISE)", nullable=False),
    col("secteur_disciplinaire", String(2), "Main SISE disciplinary sector (BCN N_SECTEUR_DISCIPLINAIRE_SISE)",
        nullable=False),
    col("code_composante", String(12), "Component that delivers it (HR structures.code_structure)",
        nullable=False),
    col("annee_ouverture", Integer, "First academic year open", nullable=False),
    col("annee_fermeture", Integer, "Last academic year open; empty while open"),
    comment="Catalogue of the national diplomas delivered by the university (reference table).",
)

inscriptions = sa.Table(
    "inscriptions", metadata,
    col("id_inscription", BigInteger, "Identifier of the enrolment", key=True),
    col("numero_etudiant", Integer, "Student number (etudiants.numero_etudiant)", nullable=False),
    col("annee_universitaire", Integer, "Academic year, as its start year (2024 = 2024-2025)", nullable=False),
    col("date_inscription", Date, "Date of the administrative enrolment", nullable=False),
    col("code_diplome", String(7), "Diploma (diplomes.code_diplome)", nullable=False),
    col("niveau", String(2), "Year of study: L1, L2, L3, M1, M2, D1, D2, D3", nullable=False),
    col("code_discipline", String(2), "SISE discipline (BCN N_DISCIPLINE_SISE)", nullable=False),
    col("secteur_disciplinaire", String(2), "SISE disciplinary sector (BCN N_SECTEUR_DISCIPLINAIRE_SISE)"),
    col("code_composante", String(12), "Component (UFR) code", nullable=False),
    col("regime", String(20), "formation initiale, formation continue or apprentissage", nullable=False),
    col("inscription_principale", Boolean, "Main enrolment of the student that year", nullable=False),
    col("commentaire_interne", Text, "Internal note of the registrar's office (free text)"),
    col("financement_these", String(20),
        "Funding of the thesis, doctoral enrolments only: contrat_doctoral, cifre or autre; empty when none"),
    comment="One row per yearly enrolment of a student in a diploma.",
)

resultats = sa.Table(
    "resultats", metadata,
    col("id_resultat", BigInteger, "Identifier of the result", key=True),
    col("id_inscription", BigInteger, "Enrolment (inscriptions.id_inscription)", nullable=False),
    col("numero_etudiant", Integer, "Student number", nullable=False),
    col("annee_universitaire", Integer, "Academic year (start year)", nullable=False),
    col("code_diplome", String(7), "Diploma code", nullable=False),
    col("date_jury", Date, "Date of the final jury", nullable=False),
    col("resultat", String(10), "admis or ajourné", nullable=False),
    col("mention", String(2), "Honours P, AB, B, TB; empty when none"),
    col("moyenne_generale", Numeric(5, 3), "Overall mark out of 20"),
    col("diplome_delivre", Boolean, "The diploma was awarded", nullable=False),
    comment="Final yearly results of each enrolment and the diplomas awarded.",
)

commentaires = sa.Table(
    "commentaires", metadata,
    col("id_commentaire", BigInteger, "Identifier of the comment", key=True),
    col("numero_etudiant", Integer, "Student number", nullable=False),
    col("date_saisie", DateTime, "When the comment was written", nullable=False),
    col("matricule_auteur", String(8), "Author's agent number in the HR system", nullable=False),
    col("texte", Text, "Free text", nullable=False),
    comment="Free-text notes written by staff about students (may hold personal data).",
)

oppositions_etudiants = sa.Table(
    "oppositions_etudiants", metadata,
    col("numero_etudiant", Integer, "Student number", key=True),
    col("date_opposition", Date, "Date the student objected to the publication of their name", nullable=False),
    comment="Students who objected to the publication of their name on graduate lists (GDPR art. 21).",
)

# Extraction filters on the partition columns and joins on student numbers: index them.
sa.Index("ix_inscriptions_annee_universitaire", inscriptions.c.annee_universitaire)
sa.Index("ix_inscriptions_numero_etudiant", inscriptions.c.numero_etudiant)
sa.Index("ix_resultats_annee_universitaire", resultats.c.annee_universitaire)
sa.Index("ix_commentaires_date_saisie", commentaires.c.date_saisie)
