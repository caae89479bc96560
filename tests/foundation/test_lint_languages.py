"""The lint reads a German, French or Spanish process as it reads an English one: a buyer's first-person statement
passes and one from the seller's side is named, a record a manager could open passes, and a question or customer
action about the rep's work warns; the English cases stay as they were (tests/foundation/test_lint.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.lint import buyer_statement_problem, lint
from sales_process.loader import parse_process
from tests.foundation.processes import VALID

# The process of a German/French company (its sales-ops lead's), as it should be: validate --strict passes it.
GERMAN_PROCESS = """\
name: Vertriebsprozess Neukunden DACH/FR
version: "2027.1"
company: Großmann & Février Industrietechnik GmbH
stages:
  - id: erstgespraech
    name: Erstgespräch
    probability: 10
    milestones:
      - id: problem-bestaetigt
        question: Hat der Interessent das Geschäftsproblem schriftlich bestätigt?
        customer_action: Der Interessent antwortet auf unser Gesprächsprotokoll und bestätigt die Problembeschreibung.
        evidence: Die Antwort des Kunden auf die Protokoll-E-Mail („Ja, so ist’s richtig“), im CRM verlinkt.
        buyer_statement: Das Problem, das wir lösen wollen, ist das in Ihrem Protokoll beschriebene.
  - id: bedarfsanalyse
    name: Bedarfsanalyse
    probability: 30
    milestones:
      - id: budget-bestaetigt
        question: Hat der Kunde bestätigt, dass Budget vorhanden ist oder wie es beschafft wird?
        customer_action: Der Budgetverantwortliche nennt die Budgetspanne oder den Weg zur Finanzierung.
        evidence: E-Mail des Budgetverantwortlichen mit Spanne (z. B. „zwischen 10.000 € und 15.000 €“).
        buyer_statement: Wir haben Budget für dieses Vorhaben, oder der Weg dorthin ist geklärt.
      - id: erfolgskriterien-vereinbart
        question: Hat der Kunde schriftliche Erfolgskriterien für die Evaluierung freigegeben?
        customer_action: Der Kunde gibt eine kurze Liste von Kriterien frei, die über die Evaluierung entscheiden.
        evidence: Das vom Kunden freigegebene Kriterienpapier oder dessen E-Mail.
        buyer_statement: Wir haben die Erfolgskriterien vereinbart, nach denen wir entscheiden.
      - id: preis-akzeptabel
        question: Hat der Kunde gesagt, dass der Preisrahmen für ihn passt?
        customer_action: Der Budgetverantwortliche sagt, dass der Preisrahmen zum Budget passt.
        evidence: E-Mail des Kunden oder Gesprächsnotizen mit seinem Wortlaut zum Preis.
        buyer_statement: Der besprochene Preisrahmen passt zu unserem Budget.
  - id: angebot-verhandlung
    name: Angebot & Verhandlung
    probability: 60
    milestones:
      - id: angebot-geprueft
        question: Hat der Kunde das Angebot mit uns durchgesprochen und Rückmeldung gegeben?
        customer_action: Der Kunde bespricht das Angebot mit uns und sagt, was er ändern möchte.
        evidence: Protokoll der Angebotsbesprechung oder schriftliches Feedback des Kunden.
  - id: negociation-finale
    name: Négociation finale
    probability: 80
    milestones:
      - id: conditions-acceptees
        question: Le client a-t-il accepté les conditions commerciales et juridiques ?
        customer_action: Le service juridique ou les achats du client confirment qu’aucun point n’est ouvert.
        evidence: La dernière version annotée du contrat ou l’e-mail du client confirmant l’accord.
        buyer_statement: Nous n’avons plus de point ouvert sur les conditions commerciales et juridiques.
      - id: contrat-signe
        question: Le client a-t-il signé le contrat ou émis un bon de commande ?
        customer_action: Le signataire habilité signe le contrat, ou le client émet un bon de commande.
        evidence: Le contrat contresigné ou le bon de commande.
  - id: gewonnen
    name: Gewonnen
    probability: 100
"""


def test_a_good_german_and_french_process_passes_strict(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", GERMAN_PROCESS)
    assert main(["validate", "--strict", "--process", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (err, out) == ("", f"{path}: valid: 5 stages, 7 milestones.\n")


@pytest.mark.parametrize(
    "statement",
    [
        "Wir haben die Erfolgskriterien vereinbart, nach denen wir entscheiden.",
        "Der besprochene Preisrahmen passt zu unserem Budget.",
        "Ich bestätige, dass der Preisrahmen passt.",
        "Wir haben Ihnen die unterschriebene Bestellung geschickt.",  # to the seller: the buyer's deed
        "Nous n’avons plus de point ouvert sur les conditions commerciales et juridiques.",
        "J’ai validé le budget pour ce projet.",
        "Nous vous avons envoyé le bon de commande signé.",
        "Hemos acordado los criterios de éxito.",
        "Nuestro director financiero ha aprobado el presupuesto.",
    ],
)
def test_a_buyers_statement_in_german_french_or_spanish_passes(statement: str) -> None:
    assert buyer_statement_problem(statement) is None


@pytest.mark.parametrize(
    ("statement", "quoted"),
    [
        ("Der Kunde hat zugestimmt.", "Der Kunde"),
        ("Wir haben das Angebot geschickt.", "Wir haben das Angebot geschickt"),
        ("Unsere Demo hat alle Anforderungen abgedeckt.", "Unsere Demo"),
        ("Le client a accepté nos conditions.", "Le client"),
        ("Nous avons envoyé la proposition.", "Nous avons envoyé"),
        ("Notre démo a couvert tous les cas.", "Notre démo"),
        ("El cliente ha aceptado.", "El cliente"),
        ("Hemos enviado la propuesta.", "Hemos enviado"),
    ],
)
def test_a_sellers_statement_in_german_french_or_spanish_is_named(statement: str, quoted: str) -> None:
    assert buyer_statement_problem(statement) == f"reads as the seller's side (\u201c{quoted}\u201d)"


@pytest.mark.parametrize("statement", ["Das Budget ist freigegeben.", "Le budget est validé.", "El presupuesto está."])
def test_a_statement_in_another_language_not_in_the_first_person_is_named(statement: str) -> None:
    assert buyer_statement_problem(statement) == "is not in the first person"


def _warnings(question: str, action: str, evidence: str) -> list[str]:
    text = (
        VALID.replace("Has the customer confirmed the problem in writing?", question)
        .replace("The customer replies to our recap and confirms the problem.", action)
        .replace("The customer's reply email.", evidence)
    )
    return [problem.message for problem in lint(parse_process(text.encode(), "process.yaml").process)]


@pytest.mark.parametrize(
    ("question", "action", "evidence"),
    [
        (
            "Hat der Kunde das Problem schriftlich bestätigt?",
            "Der Kunde antwortet auf unser Protokoll.",
            "Die Antwort-E-Mail des Kunden auf das Gesprächsprotokoll.",
        ),
        (
            "Le client a-t-il signé le contrat ?",
            "Le client confirme le problème par écrit.",
            "Le contrat contresigné ou le bon de commande.",
        ),
        (
            "¿Ha confirmado el cliente el problema por escrito?",
            "El cliente confirma el problema por escrito.",
            "El correo del cliente con el acta de la reunión.",
        ),
    ],
    ids=["german", "french", "spanish"],
)
def test_a_customers_deed_and_its_record_in_another_language_do_not_warn(
    question: str, action: str, evidence: str
) -> None:
    assert _warnings(question, action, evidence) == []


@pytest.mark.parametrize(
    ("question", "action", "evidence", "said"),
    [
        (
            "Hast du das Gesprächsprotokoll an den Kunden gesendet?",
            "Der Vertriebsmitarbeiter sendet das Protokoll.",
            "Der Kunde ist zufrieden.",
            ("asks what the rep did", "names 'Der Vertriebsmitarbeiter' on the selling side", "names no record"),
        ),
        (
            "Haben wir die Demo gezeigt?",
            "Sende das Protokoll an den Kunden.",
            "E-Mail.",
            ("asks what the rep did", "describes the rep's work", "names a kind of record"),
        ),
        (
            "Avez-vous envoyé le compte rendu ?",
            "Le commercial envoie le devis.",
            "Le client est content.",
            ("asks what the rep did", "names 'Le commercial' on the selling side", "names no record"),
        ),
        (
            "Est-ce que vous avez relancé le client ?",
            "Envoyer le compte rendu au client.",
            "Le contrat.",
            ("asks what the rep did", "describes the rep's work", "names a kind of record"),
        ),
        (
            "¿Has enviado la propuesta?",
            "El equipo comercial envía la propuesta.",
            "El cliente está contento.",
            ("asks what the rep did", "names 'El equipo comercial' on the selling side", "names no record"),
        ),
        (
            "Ist das Abschlussdatum im CRM eingetragen?",
            "Interne Freigabe durch die Geschäftsführung.",
            "Das Protokoll der Besprechung vom 12.01.",
            ("filling in the CRM ('Abschlussdatum … eingetragen')", "approval inside the selling company", None),
        ),
    ],
    ids=["german-rep", "german-instruction", "french-rep", "french-instruction", "spanish-rep", "german-crm-approval"],
)
def test_the_reps_work_in_another_language_warns(
    question: str, action: str, evidence: str, said: tuple[str, str, str | None]
) -> None:
    warnings = _warnings(question, action, evidence)
    expected = [words for words in said if words is not None]
    assert len(warnings) == len(expected), warnings
    for warning, words in zip(warnings, expected, strict=True):
        assert words in warning, warning
