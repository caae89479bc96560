"""Warnings for outcomes that validate but are not really customer-verifiable."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sales_process.model import Milestone, Process, RequiredWhen, segment_key
from sales_process.problems import LINE_OF, Loc, Problem
from sales_process.rep_work import crm_field_work, internal_approval, seller_subject
from sales_process.site_words import has_site_words, missing_words_warning
from sales_process.wording import list_in_quotes, quoted

MAX_MILESTONES = 7
MAX_PROBABILITY_JUMP = 40

MAX_QUESTION = 200  # a heading on the milestone's page and the form's label: one sentence
MAX_STAGE_NAME = 60  # an entry of the side menu and a label of the pipeline chart: a few words
_SEGMENT_SEPARATORS = re.compile(r"[\s_-]+")  # 'Public-Sector', 'Public_Sector' and 'Public Sector' are one spelling
_REP_QUESTION = re.compile(
    r"^\s*((did|have|has|were|was|will)\s+(you|we|i|the rep|our team|sales)\b|(we|i|you|the rep|our team)\s)"
    # German (Hast du …? Haben wir …?), French (Avez-vous …? Avons-nous …? As-tu …?), Spanish (¿Has …? ¿Hemos …?)
    r"|^\s*((hast|hattest|habt|hattet)\s+(du|ihr)|(haben|hatten)\s+wir|(habe|hatte)\s+ich|(wir|ich|du)\s)\b"
    r"|^\s*(avez-vous|avons-nous|as-tu|ai-je|est-ce que (vous|nous|tu|j['’]ai)|(nous|je|tu)\s|j['’])"
    r"|^\s*¿?\s*((has|hemos|he|habéis|habeis)\s+\w+[ai]d[oa]s?\b|(nosotros|yo|tú)\s)",  # never 'Has the …'
    re.IGNORECASE,
)
_REP_VERBS = (
    "send",
    "sent",
    "call",
    "email",
    "schedule",
    "present",
    "deliver",
    "prepare",
    "write",
    "draft",
    "follow up",
    "demo",
    "book",
    "ask",
    "pitch",
    "update the crm",
    "log",
)
# The same, as German writes an instruction (Sende …), and French and Spanish (Envoyer …, Enviar …).
_REP_VERBS_ELSEWHERE = (
    *("sende", "schicke", "rufe", "plane", "präsentiere", "bereite", "schreibe", "frage", "buche", "erstelle"),
    *("envoyer", "envoie", "appeler", "planifier", "présenter", "préparer", "rédiger", "relancer", "réserver"),
    *("enviar", "envía", "llamar", "programar", "agendar", "presentar", "preparar", "redactar"),
)
_REP_ACTION = re.compile(
    r"^\s*((we|i|you|the rep|rep|our team|sales)\b|(" + "|".join(_REP_VERBS) + r")\b)"
    r"|^\s*((wir|ich|du|nous|je|nosotros|yo)\b|j['’]|(" + "|".join(_REP_VERBS_ELSEWHERE) + r")\b)",
    re.IGNORECASE,
)
# Words that name something a manager could open and look at.
ARTIFACT_WORDS = (
    "email",
    "e-mail",
    "mail",
    "letter",
    "document",
    "doc",
    "contract",
    "agreement",
    "signed",
    "signature",
    "invite",
    "invitation",
    "calendar",
    "meeting",
    "notes",
    "minutes",
    "recording",
    "record",
    "transcript",
    "purchase order",
    "po",
    "order",
    "proposal",
    "quote",
    "quotation",
    "sow",
    "statement of work",
    "nda",
    "form",
    "file",
    "report",
    "spreadsheet",
    "deck",
    "slide",
    "attachment",
    "screenshot",
    "message",
    "chat",
    "slack",
    "teams",
    "ticket",
    "log",
    "crm",
    "plan",
    "list",
    "scorecard",
    "checklist",
    "approval",
    "memo",
    "rfp",
    "rfi",
    "questionnaire",
    "redline",
    "mark-up",
    "markup",
    "comment",
    "link",
    "invoice",
    "receipt",
    "budget",
    "sheet",
    # records a manager can open in the CRM
    "contact role",
    "activity",
    "activities",
    "task",
    "opportunity",
    "logged call",
    # records of sales outside software: tenders, plants, finance, public bodies
    "notice",
    "statement",
    "portal",
    "reference number",
    "certificate",
    "photo",
    "photograph",
    "drawing",
    "specification",
    "tender",
    "bid",
    "award",
    "letter of intent",
    "loi",
    "remittance",
    "bank transfer",
    "delivery note",
    "protocol",
    "permit",
    "licence",
    "license",
    "registration",
    "submission",
    "publication",
    "press release",
    "announcement",
    "inspection",
    "test results",
    "results",
    "dashboard",
)
# A buyer statement is the buyer's own words. "We" alone says nothing (the buyer says "we have
# agreed" too); the seller's side shows in what "we" did (sent, presented: work the seller does
# for the buyer), in "our" things only a seller has (our demo, our proposal), and in talking
# about the buyer in the third person (the customer agreed, they signed).
_SELLER_VERBS = (
    "sent",
    "send",
    "presented",
    "present",
    "demoed",
    "demonstrated",
    "showed",
    "pitched",
    "delivered",
    "emailed",
    "followed up",
    "quoted",
    "walked them",
    "gave them",
    "told them",
    "convinced",
)
_SELLER_THINGS = (
    "demo",
    "demonstration",
    "pitch",
    "presentation",
    "proposal",
    "quote",
    "offer",
    "solution",
    "product",
    "platform",
    "pricing",
    "price list",
    "sales team",
    "account executive",
    "rep",
)
# The same in German, French and Spanish: what "we" sent or presented (not to "you": Ihnen, vous, le), "our" demo or
# offer, and the customer in the third person (der Kunde, le client, el cliente).
_SELLER_VERBS_DE = ("gesendet", "geschickt", "präsentiert", "vorgestellt", "demonstriert", "gezeigt", "nachgefasst")
_SELLER_THINGS_DE = ("demo", "präsentation", "angebot", "lösung", "produkt", "plattform", "preisliste", "vertrieb")
_SELLER_THINGS_FR = ("démo", "démonstration", "présentation", "proposition", "offre", "solution", "produit", "devis")
_SELLER_THINGS_ES = ("demo", "demostración", "presentación", "propuesta", "oferta", "solución", "producto")
_SELLER_STATEMENT = re.compile(
    r"\b(we|i)\s+(have\s+|had\s+|just\s+|already\s+)*(" + "|".join(_SELLER_VERBS) + r")\b(?!\s+(you|your|back)\b)"
    r"|\bour\s+(" + "|".join(_SELLER_THINGS) + r")s?\b"
    r"|\bthe\s+(customer|buyer|client|prospect)s?\b|^\s*(they|them|their)\b"
    r"|\b(wir|ich)\s+(haben|habe|hatten|hatte)\s+(?:(?!ihnen\b|euch\b|dir\b|zurück\b)\w+\s+){0,5}?("
    + "|".join(_SELLER_VERBS_DE)
    + r")\b"
    r"|\bunser(e|em|en|er)?\s+(" + "|".join(_SELLER_THINGS_DE) + r")\b"
    r"|\b(der|die|den|dem|des)\s+(kunde|kunden|kundin|käufer|käuferin|interessent|interessenten)\b"
    r"|\b(nous\s+avons|j['’]ai)\s+(envoyé|présenté|démontré|montré|relancé)\b"
    r"|\b(notre|nos)\s+(" + "|".join(_SELLER_THINGS_FR) + r")s?\b"
    r"|\b(le|la|les|du|au|aux)\s+(client|cliente|acheteur|acheteuse|prospect)s?\b|^\s*(ils|elles)\b"
    r"|(?<!\ble\s)(?<!\bles\s)\b(hemos|he)\s+(enviado|presentado|demostrado|mostrado)\b"
    r"|\bnuestr[oa]s?\s+(" + "|".join(_SELLER_THINGS_ES) + r")e?s?\b"
    r"|\b(el|la|los|las)\s+(cliente|comprador|compradora|prospecto)s?\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(we|i|us|our|ours|me|my|mine|we've|i've|we're|i'm|i'd|we'd"
    r"|wir|ich|uns|unser|unsere|unserem|unseren|unserer|unseres|mich|mir|mein|meine|meinem|meinen|meiner|meines"
    r"|nous|je|moi|notre|nos|mon|ma|mes"
    r"|nosotros|nosotras|yo|nuestro|nuestra|nuestros|nuestras|mi|mis|hemos|tenemos|estamos|somos)\b"
    r"|\b[jm]['’]",
    re.IGNORECASE,
)


def buyer_statement_problem(statement: str) -> str | None:
    """Why a buyer statement does not read as the buyer's own words (None when it does)."""
    seller = _SELLER_STATEMENT.search(statement)
    if seller:
        return f"reads as the seller's side (\u201c{seller.group(0).strip()}\u201d)"
    if not _FIRST_PERSON.search(statement):
        return "is not in the first person"
    return None


# The same records in French and Spanish (a plural adds s, or x in French).
ARTIFACT_WORDS_FR_ES = (
    *("courriel", "lettre", "contrat", "accord", "signé", "signée", "réunion", "compte rendu", "compte-rendu"),
    *("procès-verbal", "enregistrement", "bon de commande", "commande", "proposition", "devis", "offre"),
    *("formulaire", "fichier", "tableau", "présentation", "pièce jointe", "capture d'écran"),
    *("facture", "reçu", "certificat", "cahier des charges", "appel d'offres", "lettre d'intention", "virement"),
    *("relevé", "bordereau", "agenda", "calendrier", "correo", "carta", "documento", "contrato", "acuerdo"),
    *("firmado", "firmada", "firma", "invitación", "calendario", "reunión", "acta", "notas", "grabación"),
    *("orden de compra", "pedido", "propuesta", "cotización", "presupuesto", "formulario", "archivo", "informe"),
    *("hoja de cálculo", "presentación", "adjunto", "mensaje", "aprobación", "factura", "recibo", "certificado"),
    *("licitación", "carta de intención", "transferencia", "albarán"),
)
# German records, found also as the last part of a compound ('Gesprächsprotokoll', 'Kriterienpapier'), with their
# plural and case endings.
ARTIFACT_WORDS_DE = (
    *("mail", "protokoll", "notiz", "vertrag", "verträge", "vereinbarung", "unterschrift", "einladung"),
    *("bestellung", "auftrag", "angebot", "dokument", "formular", "datei", "bericht", "tabelle", "präsentation"),
    *("anhang", "nachricht", "freigabe", "genehmigung", "rechnung", "quittung", "beleg", "zertifikat", "foto"),
    *("zeichnung", "spezifikation", "ausschreibung", "lastenheft", "pflichtenheft", "absichtserklärung"),
    *("lieferschein", "überweisung", "kontoauszug", "papier", "aufzeichnung", "mitschnitt", "bestätigung"),
    *("unterschrieben", "unterzeichnet", "gegengezeichnet", "signiert", "kalender", "besprechung"),
)
_ARTICLES = frozenset({"a", "an", "the", "some", "any", "der", "die", "das", "ein", "eine", "le", "la", "les"})
_ARTIFACT = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in (*ARTIFACT_WORDS, *ARTIFACT_WORDS_FR_ES)) + r")[sx]?\b"
    r"|\w*(" + "|".join(ARTIFACT_WORDS_DE) + r")(e|en|n|s|es|er)?\b",
    re.IGNORECASE,
)


_REWRITE = "ask what the customer did (e.g. 'Has the buyer confirmed …?')"
_REWRITE_ACTION = "describe what the customer does or says (e.g. 'The CFO replies that …')"


def _rep_work(text: str, *, question: bool) -> str | None:
    """Why a question (or a customer action) describes work on the seller's side, with the rewrite; None if it does not."""
    rewrite = _REWRITE if question else _REWRITE_ACTION
    what = "the question" if question else "the customer action"
    generic = _REP_QUESTION if question else _REP_ACTION
    if generic.search(text):
        if question:
            return f"the question asks what the rep did, which proves nothing about the deal; {rewrite}"
        return f"the customer action describes the rep's work; {rewrite}"
    title = seller_subject(text)
    if title:
        return (
            f"{what} names {quoted(title)} on the selling side as the one who acts, which proves nothing the customer "
            f"did; {rewrite}"
        )
    approval = internal_approval(text)
    if approval:
        return (
            f"{what} is about an approval inside the selling company ({quoted(approval)}), which no customer can "
            f"verify; {rewrite}, or move the approval to the rep's activities"
        )
    field = crm_field_work(text)
    if field:
        return (
            f"{what} is about filling in the CRM ({quoted(field)}), which the customer never does; ask for the customer "
            "outcome the field records (e.g. 'Has the customer confirmed the date they will sign?')"
        )
    return None


def _evidence_problem(evidence: str) -> str | None:
    """Why the evidence names no particular record a manager could open, with the rewrite; None when it does."""
    if not _ARTIFACT.search(evidence):
        return (
            "the evidence names no record a manager could open; name the artifact (an email, signed document, "
            "calendar invitation, call notes …)"
        )
    words = [word for word in re.findall(r"[\w'-]+", evidence.lower()) if word not in _ARTICLES]
    if len(words) <= 2 and all(_ARTIFACT.fullmatch(word) for word in words):
        return (
            f"the evidence {quoted(evidence.strip())} names a kind of record, not a particular one; say which, so a "
            "manager can open it (e.g. 'The CFO's reply email confirming the budget')"
        )
    return None


def _warn(loc: Loc, message: str, at_key: bool = False, refers_to: Loc | None = None) -> Problem:
    return Problem(loc, message, severity="warning", at_key=at_key, refers_to=refers_to)


def _milestone_warnings(process: Process) -> Iterator[Problem]:
    seen_questions: dict[str, str] = {}
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.milestones):
            loc = ("stages", i, "milestones", j)
            question = _rep_work(milestone.question, question=True)
            if question:
                yield _warn((*loc, "question"), f"milestone '{milestone.id}': {question}")
            action = _rep_work(milestone.customer_action, question=False)
            if action:
                yield _warn((*loc, "customer_action"), f"milestone '{milestone.id}': {action}")
            evidence = _evidence_problem(milestone.evidence)
            if evidence:
                yield _warn((*loc, "evidence"), f"milestone '{milestone.id}': {evidence}")
            statement_problem = (
                buyer_statement_problem(milestone.buyer_statement) if milestone.buyer_statement else None
            )
            if statement_problem:
                yield _warn(
                    (*loc, "buyer_statement"),
                    f"milestone '{milestone.id}': the buyer statement {statement_problem}; the buyer confirms it as their own words, so write what they would say (e.g. 'We have agreed that a proposal is the next step.')",
                )
            key = _text_key(milestone.question)
            if key in seen_questions:
                yield _warn(
                    (*loc, "question"),
                    f"milestone '{milestone.id}' asks the same question as '{seen_questions[key]}'; a rep cannot tell them apart, so merge them or make each ask for a different outcome",
                )
            else:
                seen_questions[key] = milestone.id


def _text_key(text: str) -> str:
    """A text as a reader tells it apart from another: case and runs of spaces make no difference."""
    return " ".join(text.lower().split())


def _same_customer_actions(process: Process) -> Iterator[Problem]:
    """Two milestones with one customer action (often the evidence too), copied to say "this or that" and never
    told apart: the stage page and the check's next steps say one step twice, Practice offers two equal boxes."""
    seen: dict[str, tuple[str, Loc, str]] = {}
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.milestones):
            loc: Loc = ("stages", i, "milestones", j, "customer_action")
            key = _text_key(milestone.customer_action)
            if key not in seen:
                seen[key] = (milestone.id, loc, _text_key(milestone.evidence))
                continue
            first, where, evidence = seen[key]
            what = (
                "customer action and the evidence are the same text as those"
                if evidence == _text_key(milestone.evidence)
                else "customer action is the same text as that"
            )
            yield _warn(
                loc,
                f"milestone '{milestone.id}': the {what} of '{first}'{LINE_OF}: a rep reads one step twice, and "
                "Practice shows two identical checkboxes; merge them, or say how they differ (two ways to meet one "
                "requirement: write each, and give both one 'group')",
                refers_to=where,
            )


def _stage_warnings(process: Process) -> Iterator[Problem]:
    for i, stage in enumerate(process.stages):
        if len(stage.milestones) > MAX_MILESTONES:
            yield _warn(
                ("stages", i, "milestones"),
                f"stage '{stage.id}' has {len(stage.milestones)} milestones; more than {MAX_MILESTONES} makes reps skim the list, so keep the few outcomes that really gate the stage",
                at_key=True,
            )
        if i > 0:
            jump = stage.probability - process.stages[i - 1].probability
            if jump > MAX_PROBABILITY_JUMP:
                yield _warn(
                    ("stages", i, "probability"),
                    f"probability jumps by {jump} points from '{process.stages[i - 1].id}' to '{stage.id}'; a jump over {MAX_PROBABILITY_JUMP} means one gate carries most of the forecast, so add a stage in between or revise the numbers",
                )


def _company_warning(process: Process) -> Iterator[Problem]:
    if process.company is not None:
        return
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.milestones):
            if milestone.buyer_statement:
                yield _warn(
                    ("stages", i, "milestones", j, "buyer_statement"),
                    f"milestone '{milestone.id}' has a buyer statement but the process names no 'company'; a buyer is only asked to confirm by a company they know, so add 'company: Your Company' at the top of the file (reps cannot send confirmation links until then)",
                )
                return


# Quotation marks a word processor writes: YAML quotes only with straight ones (" and '), so these are kept as text.
_CURLY_QUOTES = "“”‘’„‚«»"


def _curly_quoted(text: str) -> bool:
    return len(text) > 1 and text[0] in _CURLY_QUOTES and text[-1] in _CURLY_QUOTES


def _conditions(process: Process) -> Iterator[tuple[Milestone, RequiredWhen, Loc]]:
    """Each condition of each milestone's `required_when`, with its place (item 0 of one written alone)."""
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.milestones):
            for a, condition in enumerate(milestone.required_when or ()):
                yield milestone, condition, ("stages", i, "milestones", j, "required_when", a)


def _segment_warnings(process: Process) -> Iterator[Problem]:
    """Segments a deal's segment can never match as the editor meant: two in one text, or kept in curly quotes."""
    for milestone, condition, place in _conditions(process):
        for k, segment in enumerate(condition.segment or ()):
            loc = (*place, "segment", k)
            if written := list_in_quotes(segment):
                yield _warn(
                    loc,
                    f"milestone '{milestone.id}': the segment '{segment}' is a list written in quotes, which YAML "
                    f"reads as one name, brackets and all, so no deal's segment matches it; remove the quotes: {written}",
                )
            elif "," in segment:
                listed = ", ".join(part.strip() for part in segment.split(","))
                yield _warn(
                    loc,
                    f"milestone '{milestone.id}': the segment '{segment}' is one name with a comma in it, so only "
                    f"a deal whose segment is exactly that needs the milestone; for several segments write [{listed}]",
                )
            if _curly_quoted(segment):
                yield _warn(
                    loc,
                    f"milestone '{milestone.id}': the segment {segment} keeps its curly quotes as part of its name, "
                    f'so a deal in segment {segment[1:-1]} does not match it; remove them (or use straight quotes ")',
                )


def _segment_spellings(process: Process) -> Iterator[Problem]:
    """Segments written twice in one condition, or spelt two ways in the process ('Public Sector', 'Public-Sector'):
    segments are compared ignoring case only, so a deal's segment matches one spelling and not the other."""
    spellings: dict[str, str] = {}
    for milestone, condition, place in _conditions(process):
        listed: dict[str, str] = {}
        for k, segment in enumerate(condition.segment or ()):
            loc = (*place, "segment", k)
            key = segment_key(segment)
            if key in listed:
                yield _warn(
                    loc,
                    f"milestone '{milestone.id}': the segment '{segment}' is listed twice (also as "
                    f"'{listed[key]}'); segments are compared ignoring case, so remove one",
                )
                continue
            listed[key] = segment
            loose = _SEGMENT_SEPARATORS.sub(" ", key).strip()
            other = spellings.setdefault(loose, segment)
            if segment_key(other) != key:
                yield _warn(
                    loc,
                    f"milestone '{milestone.id}': the segment '{segment}' is spelt '{other}' elsewhere; a deal's "
                    "segment matches one spelling and not the other, so write one everywhere",
                )


def _condition_warnings(process: Process) -> Iterator[Problem]:
    """Amount conditions that decide nothing: `amount_at_least: 0` holds for every deal, `amount_below: 0` for none."""
    for milestone, condition, loc in _conditions(process):
        if condition.amount_at_least == 0:
            yield _warn(
                (*loc, "amount_at_least"),
                f"milestone '{milestone.id}': 'amount_at_least: 0' holds for every deal, so it decides nothing; "
                "remove it, or give the amount from which deals need the milestone",
            )
        if condition.amount_below == 0:
            yield _warn(
                (*loc, "amount_below"),
                f"milestone '{milestone.id}': 'amount_below: 0' holds for no deal with an amount, so only deals "
                "without one need the milestone; give the amount below which deals need it",
            )


def _long_questions(process: Process) -> Iterator[Problem]:
    """A question too long for what it is: the milestone's heading on its page and its label on the form."""
    for i, stage in enumerate(process.stages):
        for j, milestone in enumerate(stage.milestones):
            if len(milestone.question) > MAX_QUESTION:
                yield _warn(
                    ("stages", i, "milestones", j, "question"),
                    f"milestone '{milestone.id}': the question is {len(milestone.question)} characters long, and it "
                    f"is the milestone's heading and the form's label; keep it to one sentence (at most "
                    f"{MAX_QUESTION} characters) and put the detail in 'guidance'",
                )


def _stage_name_quotes(process: Process) -> Iterator[Problem]:
    """A stage name pasted with its curly quotes: they would show on every page and in every message."""
    for i, stage in enumerate(process.stages):
        if _curly_quoted(stage.name):
            yield _warn(
                ("stages", i, "name"),
                f"stage '{stage.id}': the name {stage.name} keeps its curly quotes, which YAML does not read as "
                f'quotes; write {stage.name[1:-1]} (or use straight quotes ")',
            )


_FIELD_WORDS = {
    "name": "name",
    "version": "version",
    "description": "description",
    "company": "company",
    "summary": "summary",
    "rep_activities": "rep activity",
    "pitfalls": "pitfall",
    "question": "question",
    "customer_action": "customer action",
    "evidence": "evidence",
    "guidance": "guidance",
    "buyer_statement": "buyer statement",
}


def _playbook_texts(process: Process) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Every text the playbook shows besides the stage names and segments: (where, whose, the text)."""
    for key in ("name", "version", "description", "company"):
        value = getattr(process, key)
        if isinstance(value, str):
            yield (key,), "the process", value
    for i, stage in enumerate(process.stages):
        whose = f"stage '{stage.id}'"
        for key in ("summary", "description"):
            value = getattr(stage, key)
            if value is not None:
                yield ("stages", i, key), whose, value
        for key in ("rep_activities", "pitfalls"):
            for k, item in enumerate(getattr(stage, key)):
                yield ("stages", i, key, k), whose, item
        for j, milestone in enumerate(stage.milestones):
            for key in ("question", "customer_action", "evidence", "guidance", "buyer_statement"):
                value = getattr(milestone, key)
                if value is not None:
                    yield ("stages", i, "milestones", j, key), f"milestone '{milestone.id}'", value


def _text_quotes(process: Process) -> Iterator[Problem]:
    """A whole text pasted with its curly quotes (“2027.1”, “Has the buyer …?”): YAML keeps them as part of the text,
    so they show on the playbook's pages."""
    for loc, whose, text in _playbook_texts(process):
        key = next(part for part in reversed(loc) if isinstance(part, str))
        if _curly_quoted(text.strip()):
            yield _warn(
                loc,
                f"{whose}: the {_FIELD_WORDS[key]} is wrapped in curly quotes, which YAML keeps as part of the text, "
                f"so they show on the playbook's pages; remove them (or use straight quotes \")",
            )


# Each curly opening quote with the closing quotes that end it: English “…” ‘…’, German „…“ ‚…‘, French «…».
_CLOSERS = {"“": "”", "‘": "’", "„": "“”", "‚": "‘’", "«": "»"}
# The straight quote typed where a curly one was meant, for each curly quote: YAML keeps it in a text it did not open.
_STRAIGHT = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"}


def _stray_quote(text: str) -> tuple[str, str] | None:
    """(what is stray, the fix) for the first curly quote that is opened and never closed ('‘Has the buyer…'),
    or closed and never opened, or a straight quote typed after a closing one (“Has the buyer…?”"); None when they
    pair. A ’ between letters is an apostrophe (customer’s), and one with none open is taken for one too (the
    customers’ budget)."""
    opened: list[tuple[int, str]] = []
    closed_at = -1
    for index, char in enumerate(text):
        if opened and char in _CLOSERS[opened[-1][1]]:
            if char == "’" and 0 < index < len(text) - 1 and text[index - 1].isalpha() and text[index + 1].isalpha():
                continue
            opened.pop()
            closed_at = index
        elif char in _CLOSERS:
            opened.append((index, char))
        elif char in "”»":
            opener = next(quote for quote, closers in _CLOSERS.items() if char in closers)
            return (
                f"a closing curly quote {char} (character {index + 1}) with no opening one",
                f"add the opening {opener} where the quotation starts, or remove it",
            )
    end = len(text.rstrip()) - 1
    if not opened:
        if end > 0 and closed_at == end - 1 and text[end] == _STRAIGHT[text[closed_at]]:
            return (
                f"a straight quote {text[end]} (character {end + 1}) after the closing curly quote {text[closed_at]}",
                "remove it",
            )
        return None
    index, char = opened[0]
    stray = f"an opening curly quote {char} (character {index + 1}) with no closing one"
    straight = _STRAIGHT[char]
    if len(opened) == 1 and text[end] == straight and text.count(straight) % 2 == 1:  # not a "quotation" of its own
        return stray, f"replace the closing {text[end]} (character {end + 1}) with {_CLOSERS[char][-1]}, or remove both"
    return stray, f"close it with {_CLOSERS[char][-1]} where the quotation ends, or remove it"


def _unbalanced_quotes(process: Process) -> Iterator[Problem]:
    """A curly quote left alone (‘Has the buyer… with no closing one): YAML keeps it as a stray mark on the pages."""
    texts = [(("stages", i, "name"), f"stage '{stage.id}'", stage.name) for i, stage in enumerate(process.stages)]
    for loc, whose, text in [*texts, *_playbook_texts(process)]:
        key = next(part for part in reversed(loc) if isinstance(part, str))
        stray = None if _curly_quoted(text.strip()) else _stray_quote(text)
        if stray is not None:
            what, fix = stray
            yield _warn(
                loc,
                f"{whose}: the {_FIELD_WORDS[key]} has {what}, so it shows on the playbook's pages as a stray mark; "
                f"{fix}",
            )


def _long_stage_names(process: Process) -> Iterator[Problem]:
    """A stage name too long for what it is: an entry of the side menu, a column of the pipeline, a choice on the form."""
    for i, stage in enumerate(process.stages):
        if len(stage.name) > MAX_STAGE_NAME:
            yield _warn(
                ("stages", i, "name"),
                f"stage '{stage.id}': the name is {len(stage.name)} characters long, and it is the side menu's entry, "
                f"the pipeline chart's label and the form's choice; keep it to a few words (at most {MAX_STAGE_NAME} "
                "characters) and put the detail in 'summary'",
            )


def _equal_probabilities(process: Process) -> Iterator[Problem]:
    """Two stages in a row with one probability: the forecast weighs a deal the same in both."""
    for i in range(1, len(process.stages)):
        stage, before = process.stages[i], process.stages[i - 1]
        if stage.probability == before.probability:
            yield _warn(
                ("stages", i, "probability"),
                f"stage '{stage.id}' has the probability of '{before.id}' ({stage.probability}), so the forecast "
                f"weighs a deal the same in either; give '{stage.id}' a higher probability than '{before.id}', or "
                "merge the two stages",
            )


def _conditional_stages(process: Process) -> Iterator[Problem]:
    """A stage whose every required milestone has `required_when`: a deal none of them applies to passes it with
    no evidence at all (a stage of only `required: false` milestones is an error; this one holds some deals back)."""
    last = len(process.stages) - 1
    for i, stage in enumerate(process.stages):
        required = [milestone for milestone in stage.milestones if milestone.required]
        if i == last or not required or any(milestone.required_when is None for milestone in required):
            continue
        yield _warn(
            ("stages", i, "milestones"),
            f"stage '{stage.id}' requires each of its milestones only of some deals ('required_when'), so a deal "
            "none of them applies to passes the stage with no evidence at all; make at least one milestone required "
            "of every deal (no 'required_when')",
            at_key=True,
        )


def _language_warning(process: Process) -> Iterator[Problem]:
    """Once, when the playbook site cannot speak the process's language."""
    if not has_site_words(process.language):
        yield _warn(("language",), missing_words_warning(process.language))


def lint(process: Process) -> list[Problem]:
    """Every warning for a valid process, in file order of stages and milestones."""
    return [
        *_language_warning(process),
        *_company_warning(process),
        *_stage_warnings(process),
        *_equal_probabilities(process),
        *_conditional_stages(process),
        *_stage_name_quotes(process),
        *_long_stage_names(process),
        *_text_quotes(process),
        *_unbalanced_quotes(process),
        *_milestone_warnings(process),
        *_same_customer_actions(process),
        *_long_questions(process),
        *_segment_warnings(process),
        *_segment_spellings(process),
        *_condition_warnings(process),
    ]
