"""What gives a milestone away as the seller's own work rather than something the customer did.

Lint (sales_process.lint) reads a milestone's question and customer action with these: a sales
title as the one who acts ("Has the AE sent …", "Our SDR books …"), an approval inside the
selling company ("submitted for Finance approval", "approved by Deal Desk"), and CRM hygiene
("Is the Close Date entered?", "Is the contact role added in Salesforce?"). None of them is
something a customer did, so none can be verified with the customer.

Each finder returns the words it found, quoted in the warning, or None.
"""

from __future__ import annotations

import re

# The selling team's job titles: whoever holds them works for the seller, with "the" or "our" alike.
SELLER_TITLES = (
    r"account executives?",
    r"account execs?",
    r"aes?",
    r"sdrs?",
    r"bdrs?",
    r"sales development rep(?:resentative)?s?",
    r"business development rep(?:resentative)?s?",
    r"sa/se",  # solutions architect or sales engineer, as GitLab writes it
    r"ses?",
    r"sales engineers?",
    r"solutions? engineers?",
    r"solutions? consultants?",
    r"solutions? architects?",
    r"pre-?sales(?: engineers?| consultants?| team)?",
    r"csms?",
    r"customer success managers?",
    r"deal desk",
    r"revops",
    r"revenue operations",
    r"sales ?ops",
    r"sales operations",
    r"sales managers?",
    r"sales reps?",
    r"sales team",
    r"sales directors?",
    r"sales leaders?(?:hip)?",
    r"sales vp",
)
# Functions both sides have (the buyer's finance approves a budget too): the seller's only with "our".
OUR_FUNCTIONS = (
    r"finance(?: team)?",
    r"legal(?: team)?",
    r"security team",
    r"account managers?",
    r"managers?",
    r"management",
    r"leadership",
    r"executives?",
    r"cfo",
    r"ceo",
    r"vp",
)
# The same titles in German, French and Spanish, each after its language's article or "our" (so that the English
# "the commercial terms" is never the French "le commercial").
SELLER_TITLES_DE = (
    r"vertriebsmitarbeiter(?:in|innen)?",
    r"vertriebler(?:in|innen)?",
    r"verkäufer(?:in|innen)?",
    r"vertriebsleiter(?:in)?",
    r"vertriebsteam",
    r"vertrieb",
    r"außendienst(?:mitarbeiter(?:in)?)?",
    r"innendienst(?:mitarbeiter(?:in)?)?",
    r"key[- ]account[- ]manager(?:in)?",
    r"presales(?:-team)?",
)
SELLER_TITLES_FR = (
    r"commercia(?:l|le|ux|les)",
    r"ingénieurs? commercia(?:l|ux)",
    r"ingénieurs? avant-vente",
    r"avant-vente",
    r"équipe commerciale",
    r"équipe de vente",
    r"responsables? commercia(?:l|ux)",
    r"direct(?:eur|rice)s? commercia(?:l|le|ux)",
    r"chargée?s? d['’]affaires",
    r"vendeu(?:r|se)s?",
)
SELLER_TITLES_ES = (
    r"comercial(?:es)?",
    r"vendedor(?:a|es|as)?",
    r"ejecutiv[oa]s? de cuentas?",
    r"equipo comercial",
    r"equipo de ventas",
    r"preventa",
)
_TITLE = "|".join(SELLER_TITLES)
_OUR = "|".join(OUR_FUNCTIONS)
_ASKING = r"(?:has|have|had|did|does|do|is|are|was|were|will|can|could|should|would)"
_SELLER_SUBJECT = re.compile(
    rf"^\s*(?:{_ASKING}\s+)?(?:(?:(?:the|an?)\s+)?(?P<title>{_TITLE})|our\s+(?P<ours>{_TITLE}|{_OUR}))\b",
    re.IGNORECASE,
)
# In another language the article or "our" is said with the title ("Der Vertriebsmitarbeiter", "Le commercial").
_SELLER_SUBJECT_ELSEWHERE = re.compile(
    r"^\s*[¿¡]?\s*(?:(?:hat|haben|hast|ist|wurde)\s+)?(?P<named>"
    rf"(?:der|die|das|den|ein|eine|einen|unser|unsere|unserem|unseren)\s+"
    rf"(?:{'|'.join(SELLER_TITLES_DE)})"
    rf"|(?:(?:le|la|les|un|une|notre|nos)\s+|l['’])(?:{'|'.join(SELLER_TITLES_FR)})"
    rf"|(?:el|la|los|las|un|una|nuestr[oa]s?)\s+(?:{'|'.join(SELLER_TITLES_ES)})"
    r")\b",
    re.IGNORECASE,
)

# Someone on the buyer's side named in the text: then an approval may well be theirs.
_BUYER_SIDE = re.compile(
    r"\b(customer|customers|buyer|buyers|prospect|prospects|client|clients|their|champion|signer|budget owner"
    r"|economic buyer|procurement|purchasing"
    r"|kunde|kunden|kundin|käufer|käuferin|interessent|interessenten|einkauf"  # German
    r"|cliente|clientes|acheteur|acheteurs|achats|comprador|compradores|compras)\b"  # French, Spanish
    r"|'s\s+(finance|legal)",
    re.IGNORECASE,
)
_INTERNAL_APPROVAL = re.compile(
    rf"\bsubmitted\s+(?:to\s+[\w\s]{{1,30}}?\s+)?for\s+(?:[\w-]+\s+){{0,2}}approval\b"
    rf"|\b(?:deal desk|revops|internal|discount|pricing|finance|legal|manager'?s?|management)\s+approval\b"
    rf"|\bapproved\s+(?:internally|by\s+(?:our\s+(?:{_TITLE}|{_OUR})|(?:the\s+)?(?:{_TITLE})))\b"
    # German, French and Spanish: an internal, discount or price approval
    r"|\b(?:interne[nr]?\s+(?:freigabe|genehmigung)|(?:rabatt|preis)(?:freigabe|genehmigung))\b"
    r"|\b(?:validation|approbation)\s+(?:interne|de la remise|du prix|de la direction)\b"
    r"|\b(?:aprobación|autorización)\s+(?:interna|del descuento|del precio)\b",
    re.IGNORECASE,
)

# CRM fields and records, and the verbs of filling them in.
_CRM_THINGS = (
    r"crm",
    r"salesforce",
    r"sfdc",
    r"hubspot",
    r"pipedrive",
    r"dynamics",
    r"close ?date",
    r"amount(?: field)?",
    r"next steps? field",
    r"stage field",
    r"forecast category",
    r"fields?",
    r"picklist",
    r"checkbox",
    r"contact roles?",
    r"opportunity(?: record)?",
    r"opp",
    r"deal record",
    r"record",
    # German, French and Spanish fields and records
    r"feld(?:er)?",
    r"abschlussdatum",
    r"datensatz",
    r"champs?",
    r"date de clôture",
    r"fiche",
    r"campos?",
    r"fecha de cierre",
)
_FILLING = (
    r"entered",
    r"populated",
    r"filled(?: in| out)?",
    r"updated",
    r"added",
    r"logged",
    r"attached",
    r"created",
    r"submitted",
    r"completed?",
    r"checked",
    r"ticked",
    r"marked",
    r"moved",
    r"changed",
    r"set(?! aside| apart)",  # "the amount set aside" is the customer's budget, not a field filled
    r"up to date",
    # German, French and Spanish
    r"eingetragen",
    r"ausgefüllt",
    r"aktualisiert",
    r"gepflegt",
    r"angelegt",
    r"erfasst",
    r"saisie?s?",
    r"renseignée?s?",
    r"mise? à jour",
    r"remplie?s?",
    r"actualizad[oa]s?",
    r"rellenad[oa]s?",
    r"registrad[oa]s?",
)
_CRM_THING = re.compile(r"\b(" + "|".join(_CRM_THINGS) + r")\b", re.IGNORECASE)
_FILLED = re.compile(r"\b(" + "|".join(_FILLING) + r")\b", re.IGNORECASE)


def seller_subject(text: str) -> str | None:
    """The sales title that acts in `text` ("the AE", "our SDR", "Deal Desk", "our finance"; "Der
    Vertriebsmitarbeiter", "le commercial", "el equipo comercial"), or None."""
    found = _SELLER_SUBJECT.search(text)
    if found is None:
        elsewhere = _SELLER_SUBJECT_ELSEWHERE.search(text)
        return elsewhere["named"].strip() if elsewhere else None
    start = found.start("title") if found["title"] else found.start("ours") - len("our ")
    return text[start : found.end()].strip()


def internal_approval(text: str) -> str | None:
    """An approval inside the selling company ("submitted for Finance approval", "approved by our finance"), or None.

    An approval next to the buyer's side ("the customer submitted the PO for approval") is theirs, not ours.
    """
    found = _INTERNAL_APPROVAL.search(text)
    if found is None or _BUYER_SIDE.search(text):
        return None
    return found.group(0).strip()


def crm_field_work(text: str) -> str | None:
    """Filling a CRM field or record ("Close Date … entered", "contact role added … Salesforce"), or None."""
    thing, filled = _CRM_THING.search(text), _FILLED.search(text)
    if thing is None or filled is None:
        return None
    first, last = sorted((thing, filled), key=lambda found: found.start())
    between = text[first.end() : last.start()]
    return f"{first.group(0)}{' ' if between.strip() == '' else ' … '}{last.group(0)}"
