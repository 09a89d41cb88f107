"""Templates of the evaluation set, written for it: texts a French university writes.

Slots: ``{TYPE}`` (a personal value whose form the builder balances),
``{TYPE:form}`` (that form), ``{#trap}`` (a public value that must stay:
eponym, lab, company, role, date, amount, code...). A template's literal
words are never annotated.
"""

from __future__ import annotations

import random

from values import MONTHS

POSITIVE: dict[str, list[str]] = {
    "staff_comment": [
        "Entretien avec {PERSON} le {#event_date} : souhaite se réorienter vers {#diploma:le}. À recontacter au {TELEPHONE}.",
        "Étudiant(e) {PERSON:upper_last_first}, {INE}, absent(e) aux trois derniers TD ; courrier envoyé à l'adresse {ADDRESS}.",
        "Changement d'adresse signalé par {PERSON} : nouvelle adresse {ADDRESS}, téléphone {TELEPHONE}.",
        "{PERSON:upper_last_first} ({BIRTH_DATE}) demande une dispense d'assiduité pour raisons médicales.",
        "RAS. Dossier suivi par {PERSON:surname_alone}.",
        "Voir avec {PERSON:surname_alone} pour la validation de l'UE 4 avant le jury.",
        "L'étudiante a transmis son RIB pour le remboursement des frais d'inscription : {IBAN}.",
        "Merci de contacter {PERSON:lowercase} avant le {#event_date} pour l'aménagement d'examens.",
        "cc {PERSON:lowercase} / {EMAIL}",
        "Parent à prévenir en cas d'urgence : {PERSON:title_first_last}, {TELEPHONE}.",
        "Inscription administrative bloquée : le NIR {NIR} ne correspond pas à la date de naissance déclarée.",
        "Mail reçu de {EMAIL} : {PERSON} demande un report de sa soutenance de stage chez {#company_legal_form}.",
        "Demande d'aide sociale : pièces manquantes (avis d'imposition, RIB {RIB}). Relance faite par {PERSON:title_surname}.",
        "Transfert de dossier vers l'université de Lyon pour {PERSON:last_first}, {INE}.",
        "Absences justifiées ; contact : {PERSON:role_intro}, {TELEPHONE}.",
        "Redoublement accordé. À l'attention de {PERSON:role_intro} : merci de mettre à jour le contrat pédagogique.",
        "Appel de {PERSON} au standard ; rappeler au {TELEPHONE} ou écrire à {EMAIL}.",
        "Stage chez {#company_founder_name} encadré par {PERSON:initials} ; convention signée le {#event_date}.",
        "Étudiant(e) {PERSON:foreign_origin}, titre de séjour à renouveler, {BIRTH_DATE}.",
        "{PERSON:common_word} a rendu son mémoire en retard ; pénalité appliquée selon le règlement {#diploma:du}.",
        "Fiche de liaison : {PERSON:upper_last_first} – {INE} – {ADDRESS} – {TELEPHONE}",
        "Alternance chez {#company_legal_form} ; tuteur entreprise {PERSON:title_first_last} ({EMAIL}).",
        "Réclamation de note transmise par {PERSON:particle} ; copie revue par {PERSON:title_surname} le {#event_date}, note maintenue.",
        "demande de relevé de notes pour {PERSON:compound} (promo 2019), envoi à {ADDRESS}",
        "Justificatif d'absence déposé par la mère, {PERSON:title_first_last}, domiciliée {ADDRESS}. Voir aussi {PERSON:surname_alone} au secrétariat.",
        "Étudiant salarié (contrat chez {#company_founder_name}), demande le régime spécial d'études. {BIRTH_DATE}, {INE}.",
        "Dossier complet. Attestation CVEC et NIR ({NIR}) vérifiés par {PERSON:surname_alone} le {#event_date}.",
        "Rendez-vous médical pris pour {PERSON:last_first} {#eponym_listed:au} ; joindre l'étudiant au {TELEPHONE} en cas d'empêchement.",
        "L'étudiant {PERSON:upper_last_first} signale un changement de coordonnées : {EMAIL}, {TELEPHONE}, {ADDRESS}.",
        "Suite à l'entretien du {#event_date}, {PERSON:particle} intègre {#diploma:le} par validation d'acquis ; {BIRTH_DATE}.",
        "URGENT : {PERSON:upper_last_first} n'a pas réglé ses droits, relance envoyée à {EMAIL}.",
        "Compte rendu de l'entretien pédagogique du {#event_date}. {PERSON:upper_last_first} explique ses difficultés en L2 par un emploi étudiant de vingt heures par semaine et un logement éloigné ({ADDRESS}). Nous avons convenu d'un contrat pédagogique allégé, d'un suivi mensuel avec {PERSON:title_surname} et d'une demande d'aide au FSDIE. Joindre l'étudiant au {TELEPHONE} ou à {EMAIL}. Avis au prochain jury.",
        "merci de transmettre le dossier à {PERSON:lowercase} qui remplace Mme la directrice des études pendant son congé",
    ],
    "jury_remark": [
        "Jury {#diploma:du} : {PERSON:upper_last_first} admis(e) mention bien ; {PERSON:upper_last_first} ajourné(e), rattrapage en septembre.",
        "Le jury, présidé par {PERSON:title_first_last}, décide d'accorder un point de jury à {PERSON}.",
        "Membre extérieur du jury : {PERSON:title_first_last} ({#company_founder_name}), {EMAIL}.",
        "Soutenance de thèse de {PERSON} : rapporteurs {PERSON:title_first_last} et {PERSON:title_first_last} ; {#room}, {#event_date}.",
        "Délibération : compensation refusée pour {PERSON:last_first}, admission sous réserve pour {PERSON:last_first}.",
        "Remarque du jury : excellent travail de {PERSON:initials} sur le projet tutoré, à proposer pour {#prize:le}.",
        "Le jury constate la fraude de {PERSON:upper_last_first} à l'examen du {#event_date} ; saisine de la section disciplinaire.",
        "Jury de VAE : candidat {PERSON:first_last}, {BIRTH_DATE}, domicilié {ADDRESS}, validation partielle.",
        "Avis favorable pour la poursuite en master de {PERSON:foreign_origin} et de {PERSON:particle}.",
        "Mention très bien à l'unanimité pour {PERSON:compound}, félicitations du jury.",
        "Le président du jury, {PERSON:title_surname}, signale une erreur de saisie pour {PERSON:common_word} ({INE}).",
        "Jury de M2 {#lab:du} : {PERSON:upper_last_first} 15,2 ; {PERSON:upper_last_first} 12,8 ; {PERSON:upper_last_first} 11,0.",
        "Composition du jury : {PERSON:title_first_last} (présidente), {PERSON:initials}, {PERSON:title_first_last} (invité, {#company_legal_form}). Travaux menés {#lab:au} présentés avec rigueur ; réponses précises. Le jury recommande une publication rapide.",
        "Le jury regrette l'absence de {PERSON:surname_alone}, excusé. Notes saisies par {PERSON:initials}.",
        "Rattrapage : {PERSON:last_first} ({INE}) et {PERSON:upper_last_first} ({INE}) convoqués le {#event_date}.",
    ],
    "contract_subject": [
        "Maintenance des équipements {#lab:du} – contact technique : {PERSON:role_intro}, {TELEPHONE}",
        "Fourniture de consommables de laboratoire pour {#lab:le}, responsable : {PERSON:role_intro} ({EMAIL})",
        "Prestation de nettoyage {#eponym_listed:du} ; interlocuteur du titulaire {PERSON:title_first_last}, {TELEPHONE}",
        "Accord-cadre de reprographie avec {#company_legal_form} – suivi par {PERSON:role_intro}",
        "Marché de travaux {#room} – maîtrise d'œuvre {PERSON:title_surname}, architecte, {EMAIL}",
        "Acquisition d'un microscope confocal ({#code}) pour l'équipe de {PERSON:title_first_last}",
        "Location de véhicules pour le {#event_date} – à l'attention de {PERSON:role_intro}",
        "Traduction de documents pédagogiques par {PERSON}, traductrice indépendante, {ADDRESS}",
        "Contrat de cession de droits d'auteur avec {PERSON:upper_last_first}, {ADDRESS}, pour un montant de {#amount}",
        "Prestation de conseil juridique confiée à {PERSON:title_surname}, avocat au barreau de Grenoble",
        "Formation bureautique {#eponym_unlisted:au}, formateur : {PERSON:role_intro} ({TELEPHONE})",
        "Maintenance logicielle {#company_founder_name} ; contact côté titulaire : {PERSON:role_intro}, {EMAIL}, {TELEPHONE}",
        "Étude acoustique {#eponym_listed:du} par le bureau d'études de {PERSON:particle}, {TELEPHONE}",
        "Marché subséquent n° 3 – référent : {PERSON:role_intro} – livraison {#inst_address}",
    ],
    "grant_subject": [
        "Aide à la mobilité internationale de {PERSON}, étudiant(e) en {#diploma}",
        "Subvention pour le projet associatif porté par {PERSON:upper_last_first} ({#association})",
        "Allocation doctorale de {PERSON:foreign_origin} {#lab:au}",
        "Aide exceptionnelle du FSDIE à {PERSON:first_last}, {INE}",
        "Soutien à la publication de l'ouvrage de {PERSON:title_first_last} chez {#company_founder_name}",
        "Gratification de stage de {PERSON:last_first} – {#amount}",
        "Bourse d'excellence accordée à {PERSON:compound} (non cumulable avec {#grant_named_after_person:le})",
        "Aide au logement d'urgence pour {PERSON:common_word}, {ADDRESS}",
        "Prix de thèse : {PERSON:initials}, lauréat(e) {#prize:du}, dotation de {#amount}",
    ],
    "grant_conditions": [
        "Versement en deux fois sur le compte {IBAN} au nom de {PERSON:upper_last_first}.",
        "Paiement sur présentation du RIB ({RIB}) et d'une attestation d'inscription ; bénéficiaire {PERSON:title_first_last}.",
        "Versement unique de {#amount} au bénéficiaire, {ADDRESS}, après signature de la convention.",
        "Le solde sera versé à {PERSON} sur le compte IBAN {IBAN} à réception du rapport final.",
        "Coordonnées bancaires : {RIB:labelled} ; titulaire : {PERSON:role_intro}.",
        "Virement au profit de {PERSON:title_surname} – {IBAN} – avant le {#event_date}.",
        "Pièces à fournir : RIB, attestation de sécurité sociale ({NIR}), justificatif de domicile.",
        "Aide versée sous réserve d'assiduité ; contrôle par {PERSON:surname_alone} (scolarité) chaque trimestre.",
        "Versement sur le compte de {PERSON:upper_last_first}, {RIB}, {ADDRESS}.",
        "Le bénéficiaire ({NIR}) s'engage à signaler tout changement de situation à {EMAIL}.",
        "Paiement mensuel de {#amount} ; {IBAN} ; {BIRTH_DATE}.",
    ],
    "event_description": [
        "Conférence de {PERSON:title_first_last} ({#lab}) le {#event_date}, {#eponym_listed}. Inscription auprès de {EMAIL}.",
        "Séminaire {#lab:du} : intervention de {PERSON} sur les modèles de langue, {#room}.",
        "Journée d'accueil des doctorants, animée par {PERSON:initials} et {PERSON:initials}, {#event_date}.",
        "Table ronde « Femmes et sciences » avec {PERSON}, {PERSON:foreign_origin} et {PERSON:particle}, {#eponym_unlisted}.",
        "Remise {#prize:du} à {PERSON:compound} le {#event_date} en présence de {#role}.",
        "Atelier CV animé par {PERSON:common_word}, chargé(e) d'insertion ; renseignements : {TELEPHONE}.",
        "Pot de départ de {PERSON:title_first_last} ; participation à déposer auprès de {PERSON:surname_alone}.",
        "Concert de l'orchestre universitaire dirigé par {PERSON:first_last}, {#event_date}, {#eponym_unlisted}. Contact presse : {PERSON:role_intro}, {TELEPHONE}.",
        "Dans le cadre du cycle « Sciences et société », {#lab:le} accueille {PERSON:title_first_last}, historienne des sciences, pour une conférence sur les femmes mathématiciennes, suivie d'un échange avec le public et d'un pot, {#event_date}, {#room}. Réservation conseillée auprès de {PERSON:role_intro} ({EMAIL}).",
        "{#lab:Le} organise le {#event_date} une journée portes ouvertes à destination des lycéens et de leurs familles : visites des plateformes techniques, démonstrations d'expériences, rencontres avec les doctorants. Les inscriptions sont gérées par {PERSON:role_intro} ; les groupes scolaires peuvent aussi contacter {PERSON:title_first_last} au {TELEPHONE}. Accueil {#room}, {#inst_address}.",
        "Hommage à {PERSON:first_last}, technicien {#lab:du} pendant trente ans, le {#event_date}.",
    ],
    "budget_line": [
        "Remboursement frais de déplacement {PERSON:title_surname}",
        "REMBT FRAIS MISSION {PERSON:title_surname} – {#amount}",
        "Vacations d'enseignement {PERSON:upper_last_first} sept-déc 2025",
        "Avance sur frais de mission {PERSON:last_first}",
        "Indemnité jury VAE session 2 {PERSON:upper_last_first}",
        "Remboursement inscription colloque {PERSON:initials}",
        "Honoraires {PERSON:title_surname} (avocat) dossier {#code}",
        "remb. frais transport {PERSON:lowercase}",
        "Gratification stagiaire {PERSON:foreign_origin} {#amount}",
        "Remb. nuitées {PERSON:compound} + {PERSON:particle}",
    ],
    "travel_purpose": [
        "Mission de {PERSON:title_first_last} à Montréal pour le colloque de l'ACFAS",
        "Jury de thèse de {PERSON} à Lyon ; déplacement de {PERSON:title_surname}",
        "Accompagnement de l'étudiant {PERSON:upper_last_first} (situation de handicap) au concours",
        "Déplacement à Paris, réunion avec {PERSON:title_first_last} au ministère",
        "Visite de stage chez {#company_legal_form} de {PERSON:particle}",
        "mission terrain avec {PERSON:lowercase} et {PERSON:lowercase}, relevés en Chartreuse",
        "Invitation de {PERSON:foreign_origin} (université de Dakar), hébergement {#eponym_unlisted}",
        "Participation de {PERSON:common_word} au congrès de la SMF, retour le {#event_date}",
    ],
    "function_label": [
        "Assistante de direction de {PERSON:title_surname}",
        "Chargé de mission auprès de {PERSON:title_first_last}",
        "Intérim de {PERSON:upper_last_first} (congé maternité)",
        "Secrétariat de {PERSON:title_surname}, {#role}",
        "Gestionnaire RH (remplace {PERSON:first_last})",
        "Adjoint(e) de {PERSON:initials}, responsable {#lab:du}",
    ],
    "structure_label": [
        "Équipe de recherche de {PERSON:title_surname} – {#lab}",
        "Projet ANR dirigé par {PERSON:initials} ({#lab})",
        "Cellule d'appui à la recherche de {PERSON:last_first}",
    ],
}

NEGATIVE: dict[str, list[str]] = {
    "staff_comment": [
        "Réunion d'information sur {#diploma:le} le {#event_date}, {#room}.",
        "Dossier transmis à {#role} pour avis.",
        "Stage effectué chez {#company_founder_name} ; convention validée par {#role}.",
        "Inscription en {#diploma} confirmée ; pièces à envoyer à {#functional_contact}.",
        "Demande de logement en {#eponym_unlisted} transmise au CROUS.",
        "Cours déplacés {#eponym_listed:au} pendant les travaux {#room:du}.",
        "RAS, assiduité correcte. Candidature {#prize:au} encouragée.",
        "Étudiant boursier échelon 5, dossier complet. Entretien le {#event_date} ; en cas de question, {#functional_contact}.",
    ],
    "jury_remark": [
        "Le jury {#diploma:du} s'est réuni le {#event_date} sous la présidence de {#role}.",
        "Délibérations reportées ; nouvelle date : {#event_date}, {#room}.",
        "Taux de réussite de 87 % en {#diploma}, en hausse par rapport à 2023.",
        "Le jury propose trois candidatures {#prize:au} et une à {#grant_named_after_person:le}.",
        "Les notes de l'UE 5 {#diploma:du} sont harmonisées ; {#role} valide le procès-verbal.",
    ],
    "contract_subject": [
        "Maintenance des ascenseurs {#eponym_listed:du} – titulaire {#company_legal_form} ({#code})",
        "Fourniture de papier pour {#lab:le} – {#amount}",
        "Travaux de rénovation énergétique {#eponym_unlisted:du}, {#inst_address}",
        "Prestations de restauration pour le {#event_date}, traiteur {#company_founder_name}",
        "Accord-cadre informatique ({#code}) avec {#company_legal_form}",
        "Location de salles {#eponym_unlisted:au} pour le congrès de {#association}",
        "Abonnement aux revues scientifiques {#lab:du} – {#code}",
        "Contrôle des installations {#room:du} ; contact : {#functional_contact}",
        "Marché de nettoyage, lot 2 : {#eponym_listed} et {#eponym_unlisted} – {#amount}",
    ],
    "grant_subject": [
        "Subvention de fonctionnement à {#legal_person_name}",
        "Aide au projet « Sciences en fête » de {#association}",
        "Cofinancement {#grant_named_after_person:du} pour l'année 2025-2026",
        "Soutien à {#legal_person_name} pour l'organisation du festival de printemps",
        "Dotation {#prize:du} – {#amount}",
    ],
    "grant_conditions": [
        "Versement de {#amount} à la signature de la convention, le solde sur justificatifs.",
        "Versement au bénéficiaire {#legal_person_name} sur présentation d'un RIB au nom de la structure.",
        "Paiement en trois échéances ; contact : {#functional_contact}.",
        "Subvention versée à {#legal_person_name} ({#code}) après vote du conseil d'administration du {#event_date}.",
    ],
    "event_description": [
        "Conférence inaugurale {#lab:du} {#eponym_listed:au}, {#event_date}. Entrée libre, inscription : {#functional_contact}.",
        "Cérémonie de remise {#prize:du} en présence de {#role}, {#eponym_unlisted}.",
        "Forum entreprises avec {#company_founder_name} et {#company_legal_form}, {#inst_address}.",
        "Journée portes ouvertes le {#event_date} : présentation {#diploma:du}, {#room}.",
        "Colloque international organisé par {#lab:le} et {#association}, {#event_date}.",
        "{#lab:Le} et {#association} organisent le {#event_date} une rencontre ouverte à tous autour des métiers de la recherche : tables rondes avec des doctorants, présentation {#diploma:du}, visite {#room:du} et remise {#prize:du}. Le programme détaillé est disponible auprès du secrétariat ; inscriptions et renseignements : {#functional_contact}. Entrée libre, {#inst_address}.",
        "Projection-débat {#eponym_unlisted:au} autour du centenaire {#grant_named_after_person:du} ; accueil à partir de 18 h, {#room}. Ouvert à tous dans la limite des places disponibles ; renseignements : {#functional_contact}.",
    ],
    "budget_line": [
        "Achat fournitures {#lab} {#amount}",
        "Facture n° 2025-118 {#company_founder_name} {#code}",
        "Subvention annuelle de fonctionnement {#legal_person_name}",
        "Frais de réception {#event_date} – {#amount}",
    ],
    "travel_purpose": [
        "Colloque de {#association} à Montréal",
        "Mission à Bruxelles : réunion du consortium Horizon Europe ({#code})",
        "Accompagnement d'une délégation {#eponym_unlisted:au}",
        "Déplacement pour le jury {#diploma:du} à Lyon, {#event_date}",
    ],
    "function_label": [
        "{#role_label} (poste à temps plein)",
        "Responsable administratif et financier {#lab:du}",
        "Chargé(e) de communication, {#eponym_listed}",
        "Gestionnaire financier – {#room}",
        "{#role_label} auprès {#lab:du}",
    ],
    "structure_label": [
        "{#lab} – équipe Modèles et algorithmes",
        "{#eponym_listed} – accueil, {#inst_address}",
        "Plateforme technique {#lab:du}, {#room}",
        "Service de santé universitaire, {#inst_address}, {#functional_contact}",
    ],
}

# --- public values (traps) ------------------------------------------------------------------------
PLACE_WORDS = ("amphithéâtre", "amphi", "résidence", "salle", "bâtiment", "médiathèque", "gymnase", "pavillon",
               "espace", "halle")
UNLISTED_EPONYMS = ("Albert Camus", "Irène Joliot-Curie", "Gustave Eiffel", "Charles Darwin", "Pierre-Simon Laplace",
                    "Olympe de Gouges", "Émile Zola", "George Sand", "Jean Jaurès", "Louise Michel",
                    "Germaine Tillion", "Blaise Pascal", "Paul Langevin", "Ada Lovelace", "Alan Turing",
                    "Sophie Germain", "Évariste Galois", "Jean Zay", "Marguerite Yourcenar", "Aimé Césaire",
                    "Léopold Sédar Senghor", "Hannah Arendt", "Frantz Fanon", "Colette", "Antoine de Saint-Exupéry")
FIXED_UNLISTED = ("résidence Albert Camus", "lycée Henri IV", "rue Victor Hugo", "amphi Charles Darwin",
                  "institut Pierre-Simon Laplace", "collège Jean Rostand", "lycée Marie Reynoard",
                  "cité scolaire Jean Prévost")
LABS = ("laboratoire Jean Kuntzmann", "Laboratoire Jean Kuntzmann", "UMR 5217", "LIG", "Institut Fourier",
        "laboratoire Gipsa-lab", "Institut Néel", "LPNC", "laboratoire Lucien Febvre", "Maison Jean Kuntzmann",
        "Pôle Ingénierie Marcel Dassault", "laboratoire LEGI", "UMR 5525 TIMC", "Centre Alexandre Koyré",
        "laboratoire Pacte", "CERAG", "Institut Laue-Langevin")
ASSOCIATIONS = ("Association Les Amis de Jules Verne", "BDE Sciences", "l'association Étudiants Solidaires",
                "l'Association des doctorants Marie Curie", "le BDS Campus", "l'association Ingénieurs sans frontières",
                "l'AFEV", "la Chorale universitaire Hector Berlioz", "l'association Les Petits Débrouillards",
                "l'association Alumni Démo")
COMPANIES_LEGAL = ("SAS Lefèvre Informatique", "Dupuis Frères SARL", "EURL Garnier Conseil", "Alpes Reprographie SARL",
                   "Numérique Services SAS", "SCOP Les Ateliers du Grésivaudan", "Roche & Associés SELARL",
                   "Transports Blanc SA", "SARL Boulanger et Fils", "Menuiserie Petit SAS")
COMPANIES_FOUNDER = ("Établissements Martin et Fils", "Bouygues Bâtiment", "Michelin", "Peugeot", "Dassault Systèmes",
                     "Schneider Electric", "Leroy Merlin", "Boulanger", "Maison Garnier Traiteur", "Lacroix Imprimerie",
                     "Hermès", "Pernod Ricard", "Renault")
DIPLOMAS = ("Master Économie du développement", "Licence pro Métiers du livre", "BUT Informatique", "DUT GEA",
            "Licence Sciences de la vie", "Master MEEF", "Doctorat en sciences de l'éducation",
            "DU Langue des signes française", "Master Droit des affaires parcours Juriste d'entreprise",
            "Licence LEA anglais-espagnol", "Master Physique parcours Nanosciences", "Diplôme d'ingénieur Polytech")
ROLES = ("Madame la directrice générale des services", "M. le Président de l'université", "la Doyenne",
         "Monsieur le Vice-président Recherche", "Madame la Rectrice", "la directrice de l'UFR",
         "Mme la responsable administrative", "Monsieur le Directeur de l'IUT", "la Présidente du jury",
         "Madame la Vice-présidente Formation", "l'agent comptable", "Mme la cheffe du service financier")
ROLE_LABELS = ("Directrice générale des services", "Responsable administratif", "Doyenne de la faculté de droit",
               "Vice-président Recherche", "Agent comptable", "Directeur de l'UFR Sciences et Techniques",
               "Gestionnaire de scolarité", "Chef du service financier", "Directrice adjointe de l'IUT",
               "Chargée de mission égalité", "Responsable du pôle Langues", "Secrétaire générale")
PRIZES = ("prix Irène Joliot-Curie", "prix de thèse Louis Néel", "prix Descartes-Huygens", "prix Jean Perrin",
          "prix de la chancellerie", "prix Le Monde de la recherche universitaire", "prix Paul Doistau–Émile Blutet",
          "prix Marcel Dassault", "prix Simone Veil", "prix Ada Lovelace")
GRANTS = ("bourse Marie Skłodowska-Curie", "bourse Fulbright", "bourse Eiffel", "allocation Jean Zay",
          "bourse Erasmus", "bourse Alexander von Humboldt", "bourse Germaine Tillion", "chaire Gustave Eiffel",
          "bourse Victor Hugo", "chaire Blaise Pascal")
ROOMS = ("salle B-204", "bâtiment C, 2e étage", "salle 1.12", "bureau 214", "amphi 3", "salle E-012",
         "bâtiment B, rez-de-chaussée", "salle polyvalente", "salle du conseil", "salle A 104")
FUNCTIONAL = ("scolarite@univ-demo.fr", "contact@univ-demo.fr", "secretariat.master [at] univ-demo.fr",
              "standard : 04 76 00 00 00", "drh@univ-demo.fr", "accueil.bu@univ-demo.fr",
              "service-financier@univ-demo.fr", "relations-internationales@univ-demo.fr",
              "scolarite.droit (at) univ-demo.fr", "standard de l'université : 04.76.00.00.00",
              "dpo@univ-demo.fr", "inscriptions@univ-demo.fr", "communication@univ-demo.fr")
LEGAL_PERSONS = ("Association Sportive Universitaire Campus", "SCI Jean Moulin", "Fondation Université de Démonstration",
                 "Comité des fêtes de Saint-Égrève", "GIE Alpes Formation", "Association L'Étoile d'Eybens",
                 "Amicale des personnels de l'Université de Démonstration", "Association Culturelle Louise Michel",
                 "Coopérative étudiante Le Bocal", "Fédération des associations étudiantes de Démonstration")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit that makes `digits` + it valid (SIREN/SIRET of a company)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


FEMININE = {"résidence", "salle", "médiathèque", "halle", "rue", "cité", "maison", "bibliothèque", "place", "ufr",
             "umr", "licence", "bourse", "chaire", "allocation", "équipe", "plateforme"}
ARTICLES = {"le": ("l'", "la ", "le "), "du": ("de l'", "de la ", "du "), "au": ("à l'", "à la ", "au ")}


def with_article(value: str, article: str) -> str:
    """'le'/'du'/'au' (or capitalised) agreed with the value: l'amphi, la salle, du bâtiment, à l'UMR."""
    first = value.split()[0].lower()
    vowel, fem = first[0] in "aeiouyéèêâîôû", first in FEMININE
    chosen = ARTICLES[article.lower()][0 if vowel else 1 if fem else 2]
    return (chosen[0].upper() + chosen[1:] if article[0].isupper() else chosen) + value


class Traps:
    """Seeded public values: what a scanner must leave readable."""

    def __init__(self, rng: random.Random, public_names: list[str], addresses: list[str]) -> None:
        self.rng = rng
        self.public_names = public_names
        self.addresses = addresses

    def value(self, slot: str, article: str | None = None) -> tuple[str, str]:
        """(text, trap kind) for a ``{#slot}``, or ``{#slot:du}`` with its article agreed."""
        value, kind = self._value(slot)
        return (with_article(value, article) if article else value), kind

    def _value(self, slot: str) -> tuple[str, str]:
        r = self.rng
        if slot == "eponym_listed":
            return f"{r.choice(PLACE_WORDS)} {r.choice(self.public_names)}", "eponym_listed"
        if slot == "eponym_unlisted":
            if r.random() < 0.3:
                return r.choice(FIXED_UNLISTED), "eponym_unlisted"
            return f"{r.choice(PLACE_WORDS)} {r.choice(UNLISTED_EPONYMS)}", "eponym_unlisted"
        if slot == "event_date":
            day, month = r.randint(1, 28), MONTHS[r.randint(0, 11)]
            return r.choice((f"{day} {month} 2025 à {r.randint(8, 18)} h", f"{day}/{r.randint(1, 12):02d}/2025",
                             f"jeudi {day} {month} 2025 de 9h30 à 12h", f"{day} {month} 2026",
                             f"2025-{r.randint(1, 12):02d}-{day:02d}", f"{day} {month} 2025 à 14h00")), "event_date"
        if slot == "amount":
            return r.choice((f"{r.randint(1, 99)} {r.randint(0, 999):03d},00 €", f"{r.randint(100, 999)} € TTC",
                             f"{r.randint(10, 999)},50 euros", f"{r.randint(1, 9)}\u00a0000\u00a0€ HT",
                             f"{r.randint(1, 50)}\u202f{r.randint(0, 999):03d} €")), "amount"
        if slot == "code":
            siren = "".join(r.choice("0123456789") for _ in range(8))
            siren += luhn_digit(siren)
            nic = f"{r.randint(1, 999):04d}"
            siret = siren + nic + luhn_digit(siren + nic)
            return r.choice(("UAI 0751717J", f"SIRET {siret}", f"SIRET {siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}",
                             "CPV 72000000-5", "UMR 5217", f"marché n° 2025-M-{r.randint(1, 999):04d}",
                             f"bon de commande 45000{r.randint(10000, 99999)}", f"convention n° 2024/{r.randint(1, 400)}",
                             "code APE 8542Z", f"RNA W38{r.randint(1000000, 9999999)}", f"EOTP 12RA{r.randint(100, 999)}",
                             f"ligne {r.randint(6000, 6999)}-A")), "code"
        table = {"lab": (LABS, "lab"), "association": (ASSOCIATIONS, "association"),
                 "company_legal_form": (COMPANIES_LEGAL, "company_legal_form"),
                 "company_founder_name": (COMPANIES_FOUNDER, "company_founder_name"), "diploma": (DIPLOMAS, "diploma"),
                 "role": (ROLES, "role"), "role_label": (ROLE_LABELS, "role"), "prize": (PRIZES, "prize"),
                 "grant_named_after_person": (GRANTS, "grant_named_after_person"), "room": (ROOMS, "room"),
                 "inst_address": (self.addresses, "institution_address"),
                 "functional_contact": (FUNCTIONAL, "functional_contact"),
                 "legal_person_name": (LEGAL_PERSONS, "legal_person_name")}
        values, kind = table[slot]
        return r.choice(values), kind
