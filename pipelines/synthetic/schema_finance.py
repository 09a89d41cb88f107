"""Finance source system (SIFAC-like): budget execution, third parties, public contracts, subsidies, travel.

The contract tables carry every field of the DECP 2.0.3 format and the
subsidy table every field of the SCDL ``subventions`` 2.1.1 schema
(multi-valued DECP fields as ';'-separated strings); docs/sources.md maps each
national field to its column.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, Integer, Numeric, String, Text

from pipelines.synthetic.schema_common import col

metadata = sa.MetaData()

comptes = sa.Table(
    "comptes", metadata,
    col("compte", String(10), "Account number by nature (plan comptable)", key=True),
    col("libelle", String(200), "Account label", nullable=False),
    col("enveloppe", String(20), "Budget envelope: personnel, fonctionnement or investissement", nullable=False),
    comment="Accounts by nature of the chart of accounts used by the budget lines.",
)

destinations = sa.Table(
    "destinations", metadata,
    col("code_destination", String(4), "LOLF destination (action) code", key=True),
    col("libelle", String(200), "Destination label", nullable=False),
    col("programme", String(3), "LOLF programme (150, 231)", nullable=False),
    comment="Destinations (LOLF actions) the expenses are booked on.",
)

tiers = sa.Table(
    "tiers", metadata,
    col("id_tiers", Integer, "Third-party identifier", key=True),
    col("type_tiers", String(20),
        "entreprise, association, etablissement_public, personne_physique or etranger", nullable=False),
    col("raison_sociale", String(200), "Name of a legal person; empty for a natural person"),
    col("nom", String(80), "Surname of a natural person"),
    col("prenom", String(80), "First name of a natural person"),
    col("siret", String(14), "SIRET number (14 digits)"),
    col("rna", String(10), "Association number of the RNA (W + 9 digits)"),
    col("numero_tva", String(20), "Intra-EU VAT number"),
    col("iban", String(34), "Bank account (IBAN)"),
    col("adresse", String(200), "Address: number and street"),
    col("code_postal", String(10), "Postcode"),
    col("commune", String(80), "Commune or city"),
    col("code_commune", String(5), "Commune INSEE code (COG) in France"),
    col("pays", String(2), "Country (ISO 3166 alpha-2)", nullable=False),
    col("email", String(120), "Contact e-mail"),
    col("telephone", String(20), "Contact phone"),
    col("date_creation", Date, "Date the third party was created in the system", nullable=False),
    comment="Third parties: suppliers, associations, public bodies and natural persons paid by the university.",
)

lignes_budgetaires = sa.Table(
    "lignes_budgetaires", metadata,
    col("id_ligne", BigInteger, "Identifier of the budget line", key=True),
    col("exercice", Integer, "Fiscal year", nullable=False),
    col("date_operation", Date, "Date of the commitment", nullable=False),
    col("compte", String(10), "Account by nature (comptes.compte)"),
    col("code_destination", String(4), "LOLF destination (destinations.code_destination)"),
    col("code_structure", String(12), "Structure (budget centre) the line is booked on", nullable=False),
    col("id_tiers", Integer, "Third party paid (tiers.id_tiers); empty for payroll lines"),
    col("libelle", String(200), "Free-text label of the line"),
    col("montant_engage", Numeric(14, 2), "Amount committed (autorisations d'engagement, euros)", nullable=False),
    col("montant_paye", Numeric(14, 2), "Amount paid (crédits de paiement, euros)", nullable=False),
    comment="Budget execution: one row per expense committed, with the amount paid so far.",
)

marches = sa.Table(
    "marches", metadata,
    col("id_marche", String(16), "Contract identifier (DECP id, 1-16 characters)", key=True),
    col("id_acheteur", String(14), "Buyer SIRET (DECP acheteur.id)", nullable=False),
    col("code_structure", String(12), "Internal buying service"),
    col("nature", String(40), "DECP nature", nullable=False),
    col("objet", String(1000), "Subject of the contract", nullable=False),
    col("code_cpv", String(10), "CPV code, 8 digits and check digit", nullable=False),
    col("techniques", String(200), "DECP techniques, ';'-separated", nullable=False),
    col("modalites_execution", String(200), "DECP execution modes, ';'-separated", nullable=False),
    col("id_accord_cadre", String(16), "Framework agreement of a subsequent contract"),
    col("marche_innovant", Boolean, "Innovative contract", nullable=False),
    col("ccag", String(60), "Reference CCAG", nullable=False),
    col("offres_recues", Integer, "Number of bids received", nullable=False),
    col("attribution_avance", Boolean, "An advance was granted", nullable=False),
    col("taux_avance", Numeric(5, 4), "Advance rate (0.1 means 10 percent); 0 when unknown"),
    col("type_groupement_operateurs", String(20), "Grouping of holders", nullable=False),
    col("sous_traitance_declaree", Boolean, "Subcontracting declared", nullable=False),
    col("procedure_passation", String(80), "Award procedure", nullable=False),
    col("lieu_execution_code", String(10), "Place of performance: code", nullable=False),
    col("lieu_execution_type_code", String(30), "Place of performance: type of code", nullable=False),
    col("duree_mois", Integer, "Initial duration in months", nullable=False),
    col("date_notification", Date, "Notification date", nullable=False),
    col("date_publication_donnees", Date, "Date the essential data were first published", nullable=False),
    col("montant", Numeric(14, 2), "Flat or maximum estimated amount, excluding VAT (euros)", nullable=False),
    col("forme_prix", String(20), "Price form", nullable=False),
    col("types_prix", String(200), "Price types, ';'-separated", nullable=False),
    col("considerations_sociales", String(200), "Social considerations, ';'-separated", nullable=False),
    col("considerations_environnementales", String(200), "Environmental considerations, ';'-separated",
        nullable=False),
    col("origine_ue", Numeric(5, 4), "Share of products from the EU (food, vehicles, health, clothing)"),
    col("origine_france", Numeric(5, 4), "Share of French products (same scope)"),
    comment="Public contracts notified by the university, with the essential data of the DECP format.",
)

marches_titulaires = sa.Table(
    "marches_titulaires", metadata,
    col("id_marche", String(16), "Contract identifier (marches.id_marche)", key=True),
    col("rang", Integer, "Order of the holder in the contract (1 = sole holder or agent of the group)", key=True),
    col("type_identifiant", String(10), "DECP identifier type: SIRET, TVA or HORS-UE", nullable=False),
    col("id_titulaire", String(20), "Holder identifier of that type", nullable=False),
    col("id_tiers", Integer, "Third party (tiers.id_tiers)"),
    comment="Holders (titulaires) of each public contract.",
)

subventions = sa.Table(
    "subventions", metadata,
    col("id_subvention", Integer, "Identifier of the grant", key=True),
    col("nom_attribuant", String(200), "Name of the grantor (SCDL nomAttribuant)", nullable=False),
    col("id_attribuant", String(14), "SIRET of the grantor (SCDL idAttribuant)", nullable=False),
    col("date_convention", Date, "Date of the agreement", nullable=False),
    col("reference_decision", String(100), "Reference of the decision"),
    col("id_tiers", Integer, "Beneficiary (tiers.id_tiers)", nullable=False),
    col("objet", String(256), "Subject of the grant", nullable=False),
    col("montant", Numeric(12, 2), "Amount granted (euros)", nullable=False),
    col("nature", String(40), "aide en numéraire, aide en nature or both", nullable=False),
    col("conditions_versement", String(256), "Payment conditions", nullable=False),
    col("date_debut_versement", Date, "First payment date", nullable=False),
    col("date_fin_versement", Date, "Last payment date; empty for a single payment"),
    col("id_rae", String(5), "State-aid reference (RAE)"),
    col("notification_ue", Boolean, "Notified to the European Commission", nullable=False),
    col("pourcentage_subvention", Numeric(5, 4), "Share of the project financed (0.01-1)", nullable=False),
    col("dispositif_aide", String(200), "Aid scheme"),
    comment="Subsidies granted by the university (associations, companies and some natural persons).",
)

frais_deplacement = sa.Table(
    "frais_deplacement", metadata,
    col("id_frais", BigInteger, "Identifier of the claim", key=True),
    col("matricule", String(8), "Agent number in the HR system", nullable=False),
    col("date_depart", Date, "Departure date", nullable=False),
    col("date_retour", Date, "Return date", nullable=False),
    col("destination", String(120), "Destination city (and country)", nullable=False),
    col("motif", Text, "Purpose of the trip (free text)"),
    col("montant", Numeric(10, 2), "Amount reimbursed (euros)", nullable=False),
    col("code_structure", String(12), "Structure paying the trip", nullable=False),
    comment="Travel expense claims of agents (personal: never published individually).",
)

# Extraction filters on the partition columns: index them.
sa.Index("ix_lignes_budgetaires_exercice", lignes_budgetaires.c.exercice)
sa.Index("ix_marches_date_notification", marches.c.date_notification)
sa.Index("ix_subventions_date_convention", subventions.c.date_convention)
sa.Index("ix_frais_deplacement_date_depart", frais_deplacement.c.date_depart)
