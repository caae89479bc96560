"""The playbook site's own words, per language: the headings, labels, buttons and feedback the site adds around the
process's texts.

The process is written in one language (`language` in process.yaml) and the site speaks it too: every page and the
practice script take their words from `site_words`, chosen by the language's primary subtag (fr-CA reads `fr`).
A language without a table here gets the English words, and `playbook validate` warns of it once
(`missing_words_warning`). MkDocs Material's own words (search, "Table of contents") follow the theme's language.

Placeholders in braces are filled by the pages (`{count}`, `{stage}`); every language has every key of English's,
with the same placeholders (tests/foundation/test_site_words.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from sales_process.answer_needs import (
    CONFIRMATION_OPTIONAL_RULE,
    CONFIRMATION_REQUIRED_RULE,
    EVIDENCE_RULE,
    NO_EVIDENCE_RULE,
)
from sales_process.model import DEFAULT_LANGUAGE

SiteWords = Mapping[str, str]

_ENGLISH: SiteWords = {
    # Navigation
    "nav.home": "Home",
    "nav.cvo": "Customer Verifiable Outcomes",
    "nav.pipeline": "Pipeline",
    "nav.overview": "Overview",
    "nav.checklist": "Deal checklist",
    "nav.practice": "Practice",
    "nav.reference": "Editing process.yaml",
    # Every page
    "source": "Generated from the process **{name}**{version} ({filename}, sha256 `{sha}`).",
    "source.version": ", version {version}",
    "move_on": "To move on, the customer must\u2026",
    # After a label ("The customer: …"): French puts a narrow no-break space before a colon
    "label_colon": ":",
    # Counted nouns: "{count} {noun}", the noun singular for one
    "day.one": "day",
    "day.many": "days",
    "milestone.one": "milestone",
    "milestone.many": "milestones",
    "stage.one": "stage",
    "stage.many": "stages",
    "outcome.one": "outcome",
    "outcome.many": "outcomes",
    "deal.one": "deal",
    "deal.many": "deals",
    "question.one": "question",
    "question.many": "questions",
    # Stage pages
    "stage.probability": "Win probability: {percent}",
    "stage.here": "You are here when",
    "stage.first": "This is the first stage: a deal is here as soon as it enters the pipeline.",
    "stage.passed_one": "The deal has passed the stage before this one: the customer has verifiably done everything "
    "that gates {stage}:",
    "stage.passed_both": "both stages",
    "stage.passed_all": "all {stages}",
    "stage.passed_many": "The deal has passed {passed} before this one: the customer has verifiably done everything "
    "that gates {named}, last of all what gates {last}:",
    "stage.named": "{first} and {last}",
    "stage.named_range": "every stage from {first} to {last}",
    "stage.rep": "What the rep does",
    "stage.no_rep": "No rep activities are listed for this stage.",
    "stage.last": "Nothing: this is the last stage of the pipeline.",
    "stage.leaves_all": "A deal leaves {stage} only when all {count} below are verified by evidence.",
    "stage.leaves_one": "A deal leaves {stage} only when the milestone below is verified by evidence.",
    "stage.leaves_some": "A deal leaves {stage} when every milestone below that it needs is verified by evidence: "
    "of milestones marked \u201cone of\u201d, one verified is enough; one marked \u201crequired only for \u2026\u201d is "
    "not needed by other deals; and one that \u201chelps, not required\u201d never holds a deal back.",
    "stage.pitfalls": "Pitfalls",
    "stage.no_pitfalls": "No pitfalls are listed for this stage.",
    "stage.traps": "Traps at this stage",
    "stage.check": "Check a deal at this stage",
    "milestone.requirement": "Requirement",
    "milestone.customer": "The customer",
    "milestone.evidence": "Evidence that proves it",
    "milestone.buyer_confirms": "The buyer confirms this",
    "checklist.buyer_confirms": "The buyer confirms",
    "milestone.required": "required",
    "milestone.optional": "optional",
    "milestone.evidence_required": "Evidence required",
    "milestone.max_age": "Maximum age",
    "milestone.no_limit": "no limit",
    "milestone.dated": "{days} (the outcome must be dated)",
    "milestone.id": "Milestone id",
    "milestone.guidance": "How to get there",
    "yes": "yes",
    "no": "no",
    "rule.evidence": EVIDENCE_RULE,
    "rule.no_evidence": NO_EVIDENCE_RULE,
    "rule.confirmation_required": CONFIRMATION_REQUIRED_RULE,
    "rule.confirmation_optional": CONFIRMATION_OPTIONAL_RULE,
    # The pipeline overview
    "overview.title": "Pipeline overview",
    "overview.stages": "The stages",
    "overview.columns": "| # | Stage | Probability | What it is | Milestones to leave it |",
    "overview.last": "— (last stage)",
    "overview.intro": "{name} has {stages} and {milestones}. A deal moves to the next stage only when the customer has "
    "verifiably done everything that gates its current stage; the probability is what a deal verified in that stage is "
    "worth.",
    "overview.optional.one": "helps, not required",
    "overview.optional.many": "help, not required",
    "overview.alternative.one": "alternative",
    "overview.alternative.many": "alternatives",
    "overview.conditional.one": "required only for some deals",
    "overview.conditional.many": "required only for some deals",
    # The checklist
    "checklist.title": "Deal checklist",
    "checklist.details": "details",
    "checklist.evidence": "Evidence",
    "checklist.deal": "Deal",
    "checklist.rep": "Rep",
    "checklist.date": "Date",
    "checklist.amount": "Amount",
    "checklist.segment": "Segment",
    "checklist.dated": " — dated; counts for {days}",
    # The practice page
    "practice.title": "Practice",
    "practice.intro": "Place each deal below by its evidence, the way a manager would, before you place a real one. "
    "Every answer is computed by the same rules as **Check a deal**, so the practice never disagrees with the form. "
    "Choose your answers and press **Check answer**; each verdict gives the rule in one sentence and links to it. "
    "Only your first answer to each question is scored: try again as often as you like, the score keeps the first. "
    "Your score and your scored answers are kept only in this browser tab.",
    "practice.count": "{deals}, {questions}.",
    "practice.noscript": "Without JavaScript nothing is checked or counted: choose your answer, then open "
    "<strong>Show the answer</strong>.",
    "practice.show": "Show the answer",
    "practice.check": "Check answer",
    "practice.stage_question": "Which stage is this deal verifiably in?",
    "practice.next_question": "What must the customer do next? (select every one that applies)",
    "practice.counts": "Yes, it counts",
    "practice.does_not_count": "No, it does not count",
    "practice.rule": "The rule: {question}",
    "practice.next": "The customer must next:",
    "practice.next_many": "The customer must still achieve {outcomes}:",
    "practice.one_of_these": "One of these {count} is enough:",
    "practice.one_of": "one of: {actions}",
    "practice.or": " or ",
    "practice.nothing_recorded": "Nothing is recorded as of {date}.",
    "practice.recorded": "What the rep recorded, as of {date}:",
    "practice.all_met_one": "its one outcome recorded as met, with its evidence and a recent date",
    "practice.all_met_both": "both outcomes recorded as met, each with its evidence and a recent date",
    "practice.all_met": "all {outcomes} recorded as met, each with its evidence and a recent date",
    "practice.score": "Your score",
    "practice.start_again": "Start again",
    "practice.back_to_top": "Back to top",
    # The practice script's feedback ({n}: a number it counts)
    "practice.js.to_go_one": "{n} question to go.",
    "practice.js.to_go_many": "{n} questions to go.",
    "practice.js.none_yet": "No answers checked yet: {to_go}",
    "practice.js.score": "Score: {right} of {answered} answered right; {to_go}",
    "practice.js.done": "Done: {right} of {total} right at the first try.",
    "practice.js.right": "Right. The rule is explained below.",
    "practice.js.right_again": "Right this time; your first answer, the one scored, was not. The rule is explained "
    "below.",
    "practice.js.wrong": "Not quite: the answer is {answer}.",
    "practice.js.extras": " Not part of it: {extras} (not what holds the deal in its stage).",
    "practice.js.explained": " The rule is explained below.",
    "practice.js.choose": "Choose an answer first.",
    # A table's name when no heading names it, and what scrollwrap.js adds to it when it scrolls sideways
    "table": "Table",
    "scrollwrap.js.scrolls": "(scrolls sideways)",
    # The process.yaml reference
    "reference.title": "Editing process.yaml",
    "reference.fields": "Every field",
    "reference.columns": "| Field | Type | Default | Meaning |",
}

_FRENCH: SiteWords = {
    "nav.home": "Accueil",
    "nav.cvo": "Résultats vérifiables par le client",
    "nav.pipeline": "Pipeline",
    "nav.overview": "Vue d'ensemble",
    "nav.checklist": "Liste de contrôle d'une affaire",
    "nav.practice": "Entraînement",
    "nav.reference": "Modifier process.yaml",
    "source": "Généré à partir du processus **{name}**{version} ({filename}, sha256 `{sha}`).",
    "source.version": ", version {version}",
    "move_on": "Pour passer à l'étape suivante, le client doit\u2026",
    "label_colon": "\u202f:",
    "day.one": "jour",
    "day.many": "jours",
    "milestone.one": "jalon",
    "milestone.many": "jalons",
    "stage.one": "étape",
    "stage.many": "étapes",
    "outcome.one": "résultat",
    "outcome.many": "résultats",
    "deal.one": "affaire",
    "deal.many": "affaires",
    "question.one": "question",
    "question.many": "questions",
    "stage.probability": "Probabilité de gain\u202f: {percent}",
    "stage.here": "Vous êtes ici quand",
    "stage.first": "C'est la première étape\u202f: une affaire y est dès qu'elle entre dans le pipeline.",
    "stage.passed_one": "L'affaire a franchi l'étape précédente\u202f: le client a fait, de façon vérifiable, tout ce "
    "qui conditionne {stage}\u202f:",
    "stage.passed_both": "les deux étapes",
    "stage.passed_all": "les {stages}",
    "stage.passed_many": "L'affaire a franchi {passed} précédentes\u202f: le client a fait, de façon vérifiable, tout ce "
    "qui conditionne {named}, et en dernier ce qui conditionne {last}\u202f:",
    "stage.named": "{first} et {last}",
    "stage.named_range": "chaque étape de {first} à {last}",
    "stage.rep": "Ce que fait le commercial",
    "stage.no_rep": "Aucune activité du commercial n'est indiquée pour cette étape.",
    "stage.last": "Rien\u202f: c'est la dernière étape du pipeline.",
    "stage.leaves_all": "Une affaire ne quitte {stage} que lorsque les {count} ci-dessous sont tous vérifiés par "
    "des preuves.",
    "stage.leaves_one": "Une affaire ne quitte {stage} que lorsque le jalon ci-dessous est vérifié par une preuve.",
    "stage.leaves_some": "Une affaire quitte {stage} lorsque chaque jalon ci-dessous dont elle a besoin est vérifié "
    "par une preuve\u202f: parmi les jalons marqués « l'un de », un seul vérifié suffit ; un jalon marqué « requis "
    "seulement pour \u2026 » n'est pas nécessaire aux autres affaires ; et un jalon qui « aide, sans être requis » "
    "ne retient jamais une affaire.",
    "stage.pitfalls": "Pièges",
    "stage.no_pitfalls": "Aucun piège n'est indiqué pour cette étape.",
    "stage.traps": "Les pièges de cette étape",
    "stage.check": "Vérifier une affaire à cette étape",
    "milestone.requirement": "Condition",
    "milestone.customer": "Le client",
    "milestone.evidence": "La preuve",
    "milestone.buyer_confirms": "L'acheteur confirme",
    "checklist.buyer_confirms": "L'acheteur confirme",
    "milestone.required": "requis",
    "milestone.optional": "facultatif",
    "milestone.evidence_required": "Preuve exigée",
    "milestone.max_age": "Ancienneté maximale",
    "milestone.no_limit": "sans limite",
    "milestone.dated": "{days} (le résultat doit être daté)",
    "milestone.id": "Identifiant du jalon",
    "milestone.guidance": "Comment y parvenir",
    "yes": "oui",
    "no": "non",
    "rule.evidence": "un « oui » ne compte que si la preuve est indiquée",
    "rule.no_evidence": "un « oui » compte sans qu'une preuve soit indiquée",
    "rule.confirmation_required": "le résultat ne compte qu'une fois que l'acheteur l'a confirmé par un lien de "
    "confirmation, envoyé depuis l'affaire enregistrée",
    "rule.confirmation_optional": "le commercial peut demander à l'acheteur de le confirmer par un lien de "
    "confirmation, envoyé depuis l'affaire enregistrée",
    "overview.title": "Vue d'ensemble du pipeline",
    "overview.stages": "Les étapes",
    "overview.columns": "| # | Étape | Probabilité | En quoi elle consiste | Jalons pour la quitter |",
    "overview.last": "— (dernière étape)",
    "overview.intro": "{name} compte {stages} et {milestones}. Une affaire ne passe à l'étape suivante que lorsque "
    "le client a fait, de façon vérifiable, tout ce qui conditionne son étape actuelle\u202f; la probabilité est ce que "
    "vaut une affaire vérifiée à cette étape.",
    "overview.optional.one": "aide, non exigé",
    "overview.optional.many": "aident, non exigés",
    "overview.alternative.one": "alternative",
    "overview.alternative.many": "alternatives",
    "overview.conditional.one": "exigé seulement pour certaines affaires",
    "overview.conditional.many": "exigés seulement pour certaines affaires",
    "checklist.title": "Liste de contrôle d'une affaire",
    "checklist.details": "détails",
    "checklist.evidence": "Preuve",
    "checklist.deal": "Affaire",
    "checklist.rep": "Commercial",
    "checklist.date": "Date",
    "checklist.amount": "Montant",
    "checklist.segment": "Segment",
    "checklist.dated": " — datée ; compte pendant {days}",
    "practice.title": "Entraînement",
    "practice.intro": "Placez chaque affaire ci-dessous d'après ses preuves, comme le ferait un manager, avant d'en "
    "placer une vraie. Chaque réponse est calculée selon les mêmes règles que **Vérifier une affaire**\u202f: "
    "l'entraînement ne contredit jamais le formulaire. Choisissez vos réponses et appuyez sur **Vérifier la "
    "réponse** ; chaque verdict donne la règle en une phrase, avec un lien vers elle. Seule votre première réponse "
    "à chaque question est notée\u202f: réessayez autant que vous voulez, le score garde la première. Votre score et vos "
    "réponses notées ne sont conservés que dans cet onglet du navigateur.",
    "practice.count": "{deals}, {questions}.",
    "practice.noscript": "Sans JavaScript, rien n'est vérifié ni compté\u202f: choisissez votre réponse, puis ouvrez "
    "<strong>Afficher la réponse</strong>.",
    "practice.show": "Afficher la réponse",
    "practice.check": "Vérifier la réponse",
    "practice.stage_question": "À quelle étape cette affaire se trouve-t-elle, de façon vérifiable ?",
    "practice.next_question": "Que doit faire le client maintenant ? (cochez toutes les réponses qui s'appliquent)",
    "practice.counts": "Oui, elle compte",
    "practice.does_not_count": "Non, elle ne compte pas",
    "practice.rule": "La règle\u202f: {question}",
    "practice.next": "Le client doit maintenant\u202f:",
    "practice.next_many": "Le client doit encore obtenir {outcomes}\u202f:",
    "practice.one_of_these": "L'une de ces {count} suffit\u202f:",
    "practice.one_of": "l'un de\u202f: {actions}",
    "practice.or": " ou ",
    "practice.nothing_recorded": "Rien n'est enregistré au {date}.",
    "practice.recorded": "Ce que le commercial a enregistré, au {date}\u202f:",
    "practice.all_met_one": "son seul résultat enregistré comme atteint, avec sa preuve et une date récente",
    "practice.all_met_both": "les deux résultats enregistrés comme atteints, chacun avec sa preuve et une date récente",
    "practice.all_met": "les {outcomes} enregistrés comme atteints, chacun avec sa preuve et une date récente",
    "practice.score": "Votre score",
    "practice.start_again": "Recommencer",
    "practice.back_to_top": "Retour en haut",
    "practice.js.to_go_one": "{n} question restante.",
    "practice.js.to_go_many": "{n} questions restantes.",
    "practice.js.none_yet": "Aucune réponse vérifiée pour l'instant\u202f: {to_go}",
    "practice.js.score": "Score\u202f: {right} bonne(s) réponse(s) sur {answered} ; {to_go}",
    "practice.js.done": "Terminé\u202f: {right} bonne(s) réponse(s) sur {total} du premier coup.",
    "practice.js.right": "Juste. La règle est expliquée ci-dessous.",
    "practice.js.right_again": "Juste cette fois ; votre première réponse, celle qui est notée, ne l'était pas. "
    "La règle est expliquée ci-dessous.",
    "practice.js.wrong": "Pas tout à fait\u202f: la réponse est {answer}.",
    "practice.js.extras": " N'en fait pas partie\u202f: {extras} (ce n'est pas ce qui retient l'affaire à son étape).",
    "practice.js.explained": " La règle est expliquée ci-dessous.",
    "practice.js.choose": "Choisissez d'abord une réponse.",
    "table": "Tableau",
    "scrollwrap.js.scrolls": "(défile horizontalement)",
    "reference.title": "Modifier process.yaml",
    "reference.fields": "Tous les champs",
    "reference.columns": "| Champ | Type | Valeur par défaut | Signification |",
}

_GERMAN: SiteWords = {
    "nav.home": "Startseite",
    "nav.cvo": "Vom Kunden nachweisbare Ergebnisse",
    "nav.pipeline": "Pipeline",
    "nav.overview": "Übersicht",
    "nav.checklist": "Checkliste für einen Deal",
    "nav.practice": "Übung",
    "nav.reference": "process.yaml bearbeiten",
    "source": "Erzeugt aus dem Prozess **{name}**{version} ({filename}, sha256 `{sha}`).",
    "source.version": ", Version {version}",
    "move_on": "Damit es weitergeht, muss der Kunde\u2026",
    "label_colon": ":",
    "day.one": "Tag",
    "day.many": "Tage",
    "milestone.one": "Meilenstein",
    "milestone.many": "Meilensteine",
    "stage.one": "Phase",
    "stage.many": "Phasen",
    "outcome.one": "Ergebnis",
    "outcome.many": "Ergebnisse",
    "deal.one": "Deal",
    "deal.many": "Deals",
    "question.one": "Frage",
    "question.many": "Fragen",
    "stage.probability": "Gewinnwahrscheinlichkeit: {percent}",
    "stage.here": "Sie sind hier, wenn",
    "stage.first": "Dies ist die erste Phase: Ein Deal ist hier, sobald er in die Pipeline kommt.",
    "stage.passed_one": "Der Deal hat die Phase davor durchlaufen: Der Kunde hat nachweisbar alles getan, was "
    "{stage} abschließt:",
    "stage.passed_both": "beide Phasen",
    "stage.passed_all": "alle {stages}",
    "stage.passed_many": "Der Deal hat {passed} davor durchlaufen: Der Kunde hat nachweisbar alles getan, was "
    "{named} abschließt, zuletzt, was {last} abschließt:",
    "stage.named": "{first} und {last}",
    "stage.named_range": "jede Phase von {first} bis {last}",
    "stage.rep": "Was der Vertriebsmitarbeiter tut",
    "stage.no_rep": "Für diese Phase sind keine Aktivitäten des Vertriebsmitarbeiters aufgeführt.",
    "stage.last": "Nichts: Dies ist die letzte Phase der Pipeline.",
    "stage.leaves_all": "Ein Deal verlässt {stage} erst, wenn alle {count} unten durch Nachweise belegt sind.",
    "stage.leaves_one": "Ein Deal verlässt {stage} erst, wenn der Meilenstein unten durch einen Nachweis belegt ist.",
    "stage.leaves_some": "Ein Deal verlässt {stage}, wenn jeder Meilenstein unten, den er braucht, durch Nachweise "
    "belegt ist: Von den mit \u201eeiner von\u201c markierten Meilensteinen genügt einer; ein mit \u201enur erforderlich "
    "für \u2026\u201c markierter ist für andere Deals nicht nötig; und einer, der \u201ehilft, ist aber nicht "
    "erforderlich\u201c, hält einen Deal nie auf.",
    "stage.pitfalls": "Fallstricke",
    "stage.no_pitfalls": "Für diese Phase sind keine Fallstricke aufgeführt.",
    "stage.traps": "Fallen in dieser Phase",
    "stage.check": "Einen Deal in dieser Phase prüfen",
    "milestone.requirement": "Bedingung",
    "milestone.customer": "Der Kunde",
    "milestone.evidence": "Der Nachweis",
    "milestone.buyer_confirms": "Der Käufer bestätigt",
    "checklist.buyer_confirms": "Der Käufer bestätigt",
    "milestone.required": "erforderlich",
    "milestone.optional": "optional",
    "milestone.evidence_required": "Nachweis erforderlich",
    "milestone.max_age": "Höchstalter",
    "milestone.no_limit": "unbegrenzt",
    "milestone.dated": "{days} (das Ergebnis muss datiert sein)",
    "milestone.id": "Kennung des Meilensteins",
    "milestone.guidance": "Wie Sie dorthin kommen",
    "yes": "ja",
    "no": "nein",
    "rule.evidence": "ein \u201eJa\u201c zählt nur mit genanntem Nachweis",
    "rule.no_evidence": "ein \u201eJa\u201c zählt auch ohne genannten Nachweis",
    "rule.confirmation_required": "das Ergebnis zählt erst, wenn der Käufer es über einen Bestätigungslink "
    "bestätigt hat, der aus dem gespeicherten Deal gesendet wird",
    "rule.confirmation_optional": "der Vertriebsmitarbeiter kann den Käufer bitten, es über einen Bestätigungslink "
    "zu bestätigen, der aus dem gespeicherten Deal gesendet wird",
    "overview.title": "Übersicht der Pipeline",
    "overview.stages": "Die Phasen",
    "overview.columns": "| # | Phase | Wahrscheinlichkeit | Worum es geht | Meilensteine zum Verlassen |",
    "overview.last": "— (letzte Phase)",
    "overview.intro": "{name} hat {stages} und {milestones}. Ein Deal rückt erst in die nächste Phase vor, wenn der "
    "Kunde nachweisbar alles getan hat, was seine aktuelle Phase verlangt; die Wahrscheinlichkeit ist, was ein in dieser "
    "Phase verifizierter Deal wert ist.",
    "overview.optional.one": "hilft, nicht erforderlich",
    "overview.optional.many": "helfen, nicht erforderlich",
    "overview.alternative.one": "Alternative",
    "overview.alternative.many": "Alternativen",
    "overview.conditional.one": "nur für manche Deals erforderlich",
    "overview.conditional.many": "nur für manche Deals erforderlich",
    "checklist.title": "Checkliste für einen Deal",
    "checklist.details": "Details",
    "checklist.evidence": "Nachweis",
    "checklist.deal": "Deal",
    "checklist.rep": "Vertrieb",
    "checklist.date": "Datum",
    "checklist.amount": "Betrag",
    "checklist.segment": "Segment",
    "checklist.dated": " — datiert; zählt {days}",
    "practice.title": "Übung",
    "practice.intro": "Ordnen Sie jeden Deal unten nach seinen Nachweisen ein, wie es eine Führungskraft täte, "
    "bevor Sie einen echten einordnen. Jede Antwort wird nach denselben Regeln berechnet wie **Einen Deal prüfen**, "
    "daher widerspricht die Übung dem Formular nie. Wählen Sie Ihre Antworten und klicken Sie auf **Antwort "
    "prüfen**; jedes Urteil nennt die Regel in einem Satz und verlinkt sie. Nur Ihre erste Antwort auf jede Frage "
    "wird gewertet: Versuchen Sie es so oft Sie wollen, die Wertung behält die erste. Ihre Punktzahl und Ihre "
    "gewerteten Antworten bleiben nur in diesem Browser-Tab.",
    "practice.count": "{deals}, {questions}.",
    "practice.noscript": "Ohne JavaScript wird nichts geprüft oder gezählt: Wählen Sie Ihre Antwort und öffnen Sie "
    "dann <strong>Antwort anzeigen</strong>.",
    "practice.show": "Antwort anzeigen",
    "practice.check": "Antwort prüfen",
    "practice.stage_question": "In welcher Phase ist dieser Deal nachweisbar?",
    "practice.next_question": "Was muss der Kunde als Nächstes tun? (alles Zutreffende auswählen)",
    "practice.counts": "Ja, er zählt",
    "practice.does_not_count": "Nein, er zählt nicht",
    "practice.rule": "Die Regel: {question}",
    "practice.next": "Als Nächstes muss der Kunde:",
    "practice.next_many": "Der Kunde muss noch {outcomes} erreichen:",
    "practice.one_of_these": "Eines dieser {count} genügt:",
    "practice.one_of": "eines von: {actions}",
    "practice.or": " oder ",
    "practice.nothing_recorded": "Zum {date} ist nichts erfasst.",
    "practice.recorded": "Was der Vertriebsmitarbeiter zum {date} erfasst hat:",
    "practice.all_met_one": "sein einziges Ergebnis als erreicht erfasst, mit Nachweis und aktuellem Datum",
    "practice.all_met_both": "beide Ergebnisse als erreicht erfasst, jedes mit Nachweis und aktuellem Datum",
    "practice.all_met": "alle {outcomes} als erreicht erfasst, jedes mit Nachweis und aktuellem Datum",
    "practice.score": "Ihre Punktzahl",
    "practice.start_again": "Neu beginnen",
    "practice.back_to_top": "Nach oben",
    "practice.js.to_go_one": "Noch {n} Frage.",
    "practice.js.to_go_many": "Noch {n} Fragen.",
    "practice.js.none_yet": "Noch keine Antwort geprüft: {to_go}",
    "practice.js.score": "Punktzahl: {right} von {answered} richtig beantwortet; {to_go}",
    "practice.js.done": "Fertig: {right} von {total} beim ersten Versuch richtig.",
    "practice.js.right": "Richtig. Die Regel wird unten erklärt.",
    "practice.js.right_again": "Diesmal richtig; Ihre erste Antwort, die gewertete, war es nicht. Die Regel wird "
    "unten erklärt.",
    "practice.js.wrong": "Nicht ganz: Die Antwort ist {answer}.",
    "practice.js.extras": " Nicht dazu gehört: {extras} (das hält den Deal nicht in seiner Phase).",
    "practice.js.explained": " Die Regel wird unten erklärt.",
    "practice.js.choose": "Wählen Sie zuerst eine Antwort.",
    "table": "Tabelle",
    "scrollwrap.js.scrolls": "(seitlich scrollbar)",
    "reference.title": "process.yaml bearbeiten",
    "reference.fields": "Alle Felder",
    "reference.columns": "| Feld | Typ | Standardwert | Bedeutung |",
}

_SPANISH: SiteWords = {
    "nav.home": "Inicio",
    "nav.cvo": "Resultados verificables por el cliente",
    "nav.pipeline": "Embudo",
    "nav.overview": "Resumen",
    "nav.checklist": "Lista de control de una oportunidad",
    "nav.practice": "Práctica",
    "nav.reference": "Editar process.yaml",
    "source": "Generado a partir del proceso **{name}**{version} ({filename}, sha256 `{sha}`).",
    "source.version": ", versión {version}",
    "move_on": "Para avanzar, el cliente debe\u2026",
    "label_colon": ":",
    "day.one": "día",
    "day.many": "días",
    "milestone.one": "hito",
    "milestone.many": "hitos",
    "stage.one": "etapa",
    "stage.many": "etapas",
    "outcome.one": "resultado",
    "outcome.many": "resultados",
    "deal.one": "oportunidad",
    "deal.many": "oportunidades",
    "question.one": "pregunta",
    "question.many": "preguntas",
    "stage.probability": "Probabilidad de ganar: {percent}",
    "stage.here": "Está aquí cuando",
    "stage.first": "Es la primera etapa: una oportunidad está aquí en cuanto entra en el embudo.",
    "stage.passed_one": "La oportunidad ha superado la etapa anterior: el cliente ha hecho, de forma verificable, "
    "todo lo que exige {stage}:",
    "stage.passed_both": "las dos etapas",
    "stage.passed_all": "las {stages}",
    "stage.passed_many": "La oportunidad ha superado {passed} anteriores: el cliente ha hecho, de forma verificable, "
    "todo lo que exigen {named}, y por último lo que exige {last}:",
    "stage.named": "{first} y {last}",
    "stage.named_range": "cada etapa de {first} a {last}",
    "stage.rep": "Lo que hace el comercial",
    "stage.no_rep": "No se indican actividades del comercial para esta etapa.",
    "stage.last": "Nada: es la última etapa del embudo.",
    "stage.leaves_all": "Una oportunidad sale de {stage} solo cuando los {count} siguientes están verificados con "
    "pruebas.",
    "stage.leaves_one": "Una oportunidad sale de {stage} solo cuando el hito siguiente está verificado con pruebas.",
    "stage.leaves_some": "Una oportunidad sale de {stage} cuando cada hito siguiente que necesita está verificado con "
    "pruebas: de los hitos marcados «uno de», basta con uno verificado; uno marcado «requerido solo para \u2026» no "
    "lo necesitan las demás oportunidades; y uno que «ayuda, no es requerido» nunca retiene una oportunidad.",
    "stage.pitfalls": "Errores frecuentes",
    "stage.no_pitfalls": "No se indican errores frecuentes para esta etapa.",
    "stage.traps": "Trampas en esta etapa",
    "stage.check": "Comprobar una oportunidad en esta etapa",
    "milestone.requirement": "Condición",
    "milestone.customer": "El cliente",
    "milestone.evidence": "La prueba",
    "milestone.buyer_confirms": "El comprador confirma",
    "checklist.buyer_confirms": "El comprador confirma",
    "milestone.required": "requerido",
    "milestone.optional": "opcional",
    "milestone.evidence_required": "Prueba requerida",
    "milestone.max_age": "Antigüedad máxima",
    "milestone.no_limit": "sin límite",
    "milestone.dated": "{days} (el resultado debe estar fechado)",
    "milestone.id": "Identificador del hito",
    "milestone.guidance": "Cómo llegar",
    "yes": "sí",
    "no": "no",
    "rule.evidence": "un «sí» solo cuenta si se indica la prueba",
    "rule.no_evidence": "un «sí» cuenta sin indicar ninguna prueba",
    "rule.confirmation_required": "el resultado solo cuenta cuando el comprador lo ha confirmado con un enlace de "
    "confirmación, enviado desde la oportunidad guardada",
    "rule.confirmation_optional": "el comercial puede pedir al comprador que lo confirme con un enlace de "
    "confirmación, enviado desde la oportunidad guardada",
    "overview.title": "Resumen del embudo",
    "overview.stages": "Las etapas",
    "overview.columns": "| # | Etapa | Probabilidad | En qué consiste | Hitos para salir de ella |",
    "overview.last": "— (última etapa)",
    "overview.intro": "{name} tiene {stages} y {milestones}. Una oportunidad pasa a la etapa siguiente solo cuando el "
    "cliente ha hecho, de forma verificable, todo lo que condiciona su etapa actual; la probabilidad es lo que vale una "
    "oportunidad verificada en esa etapa.",
    "overview.optional.one": "ayuda, no obligatorio",
    "overview.optional.many": "ayudan, no obligatorios",
    "overview.alternative.one": "alternativa",
    "overview.alternative.many": "alternativas",
    "overview.conditional.one": "obligatorio solo para algunas oportunidades",
    "overview.conditional.many": "obligatorios solo para algunas oportunidades",
    "checklist.title": "Lista de control de una oportunidad",
    "checklist.details": "detalles",
    "checklist.evidence": "Prueba",
    "checklist.deal": "Oportunidad",
    "checklist.rep": "Comercial",
    "checklist.date": "Fecha",
    "checklist.amount": "Importe",
    "checklist.segment": "Segmento",
    "checklist.dated": " — fechada; cuenta durante {days}",
    "practice.title": "Práctica",
    "practice.intro": "Sitúe cada oportunidad según sus pruebas, como lo haría un responsable, antes de situar una "
    "real. Cada respuesta se calcula con las mismas reglas que **Comprobar una oportunidad**, así que la práctica "
    "nunca contradice al formulario. Elija sus respuestas y pulse **Comprobar respuesta**; cada veredicto da la "
    "regla en una frase y enlaza con ella. Solo se puntúa su primera respuesta a cada pregunta: inténtelo tantas "
    "veces como quiera, la puntuación conserva la primera. Su puntuación y sus respuestas puntuadas solo se guardan "
    "en esta pestaña del navegador.",
    "practice.count": "{deals}, {questions}.",
    "practice.noscript": "Sin JavaScript no se comprueba ni se cuenta nada: elija su respuesta y abra "
    "<strong>Mostrar la respuesta</strong>.",
    "practice.show": "Mostrar la respuesta",
    "practice.check": "Comprobar respuesta",
    "practice.stage_question": "¿En qué etapa está esta oportunidad de forma verificable?",
    "practice.next_question": "¿Qué debe hacer el cliente a continuación? (marque todas las que correspondan)",
    "practice.counts": "Sí, cuenta",
    "practice.does_not_count": "No, no cuenta",
    "practice.rule": "La regla: {question}",
    "practice.next": "A continuación, el cliente debe:",
    "practice.next_many": "El cliente aún debe lograr {outcomes}:",
    "practice.one_of_these": "Basta con uno de estos {count}:",
    "practice.one_of": "uno de: {actions}",
    "practice.or": " o ",
    "practice.nothing_recorded": "No hay nada registrado a {date}.",
    "practice.recorded": "Lo que el comercial registró, a {date}:",
    "practice.all_met_one": "su único resultado registrado como logrado, con su prueba y una fecha reciente",
    "practice.all_met_both": "los dos resultados registrados como logrados, cada uno con su prueba y una fecha "
    "reciente",
    "practice.all_met": "los {outcomes} registrados como logrados, cada uno con su prueba y una fecha reciente",
    "practice.score": "Su puntuación",
    "practice.start_again": "Empezar de nuevo",
    "practice.back_to_top": "Volver arriba",
    "practice.js.to_go_one": "Queda {n} pregunta.",
    "practice.js.to_go_many": "Quedan {n} preguntas.",
    "practice.js.none_yet": "Aún no se ha comprobado ninguna respuesta: {to_go}",
    "practice.js.score": "Puntuación: {right} de {answered} correctas; {to_go}",
    "practice.js.done": "Terminado: {right} de {total} correctas al primer intento.",
    "practice.js.right": "Correcto. La regla se explica abajo.",
    "practice.js.right_again": "Correcto esta vez; su primera respuesta, la puntuada, no lo era. La regla se explica "
    "abajo.",
    "practice.js.wrong": "No del todo: la respuesta es {answer}.",
    "practice.js.extras": " No forma parte: {extras} (no es lo que retiene la oportunidad en su etapa).",
    "practice.js.explained": " La regla se explica abajo.",
    "practice.js.choose": "Elija primero una respuesta.",
    "table": "Tabla",
    "scrollwrap.js.scrolls": "(se desplaza horizontalmente)",
    "reference.title": "Editar process.yaml",
    "reference.fields": "Todos los campos",
    "reference.columns": "| Campo | Tipo | Valor predeterminado | Significado |",
}

SITE_WORDS: Mapping[str, SiteWords] = {DEFAULT_LANGUAGE: _ENGLISH, "de": _GERMAN, "es": _SPANISH, "fr": _FRENCH}
# Languages whose singular also counts zero ("0 jour"); the others say "0 days".
_ZERO_IS_SINGULAR = frozenset({"fr"})


def primary_language(tag: str) -> str:
    """A BCP 47 tag's primary subtag, in lower case: fr-CA -> fr."""
    return tag.split("-", 1)[0].lower()


def has_site_words(tag: str) -> bool:
    """Whether the site has its own words in the language of `tag`."""
    return primary_language(tag) in SITE_WORDS


def site_words(tag: str) -> SiteWords:
    """The site's words in the language of `tag` (its primary subtag), English when the site has none in it."""
    return SITE_WORDS.get(primary_language(tag), _ENGLISH)


def counted(tag: str, count: int, noun: str) -> str:
    """ "3 days", "1 jour", "0 jour": a count and a noun of the table ("day"), in the language of `tag`."""
    words = site_words(tag)
    one = count == 1 or (count == 0 and primary_language(tag) in _ZERO_IS_SINGULAR)
    return f"{count} {words[f'{noun}.one' if one else f'{noun}.many']}"


def missing_words_warning(tag: str) -> str:
    """The warning for a process in a language the site has no words in."""
    known = ", ".join(sorted(SITE_WORDS))
    return (
        f"the playbook site has no words of its own in '{tag}' (its headings, labels and buttons): they will be in "
        f"English, around the process's texts in '{tag}'; the site speaks {known}"
    )
