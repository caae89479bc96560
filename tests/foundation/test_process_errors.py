"""Every bad process file gets every error at FILE:LINE:COL, with a fix, and exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.loader import load_process
from tests.foundation.processes import VALID, WITH_A_SECOND_MILESTONE, with_stage_keys

CRM = """\
crm:
  name: Salesforce
  columns:
    deal: Opportunity Name
    owner: opportunity name
  stage_names:
    Proposal/Price Quote: talkng
    Closed Won: talking
  milestones:
    pain-confirmd: {met: Pain Confirmed}
    pain-confirmed: {met: Pain Confirmed, evidnce: Pain Evidence}
  ignore_columns: [Close Date]
  dates: day first
"""

BAD_FILES = [
    pytest.param(
        VALID + "language: German\n",
        [
            "15:11: error: 'German' is not a language tag: write the BCP 47 tag of the language the process is written in, e.g. 'en', 'de', 'fr-CA' or 'pt-BR'; did you mean 'de'?",
        ],
        id="language-by-name",
    ),
    pytest.param(
        VALID + "language: de_DE\n",
        [
            "15:11: error: 'de_DE' is not a language tag: write the BCP 47 tag of the language the process is written in, e.g. 'en', 'de', 'fr-CA' or 'pt-BR'; did you mean 'de-DE'?",
        ],
        id="language-with-an-underscore",
    ),
    pytest.param(
        VALID + "language: french\n",
        [
            "15:11: error: 'french' is not a language tag: write the BCP 47 tag of the language the process is written in, e.g. 'en', 'de', 'fr-CA' or 'pt-BR'; did you mean 'fr'?",
        ],
        id="language-by-its-english-name",
    ),
    pytest.param(
        VALID + "language: Deutsch\n",
        [
            "15:11: error: 'Deutsch' is not a language tag: write the BCP 47 tag of the language the process is written in, e.g. 'en', 'de', 'fr-CA' or 'pt-BR'; did you mean 'de'?",
        ],
        id="language-by-its-own-name",
    ),
    pytest.param(
        VALID + "  - id: closed-lost\n    name: Closed Lost\n    probability: 0\n",
        [
            "15:5: error: stage 'Closed Lost' is a lost outcome, not a pipeline stage: a lost deal has left the pipeline, so it has no probability and no milestones to verify; remove this stage and name it under the crm block instead, as 'crm: {lost_stages: [Closed Lost]}' (exports and saved deals at that CRM stage then count as lost)",
        ],
        id="closed-lost-stage",
    ),
    pytest.param(
        VALID + "  - id: abgesagt\n    name: Verloren\n    probability: 5\n",
        [
            "15:5: error: stage 'Verloren' is a lost outcome, not a pipeline stage: a lost deal has left the pipeline, so it has no probability and no milestones to verify; remove this stage and name it under the crm block instead, as 'crm: {lost_stages: [Verloren]}' (exports and saved deals at that CRM stage then count as lost)",
        ],
        id="lost-word-in-german",
    ),
    pytest.param(
        VALID + "  - id: duplicate\n    name: Duplicate\n    probability: 0\n",
        [
            "15:5: error: stage 'Duplicate' is a disqualified outcome, not a pipeline stage: a deal closed without a decision has left the pipeline, so it has no probability and no milestones to verify; remove this stage and name it under the crm block instead, as 'crm: {lost_stages: [Duplicate]}' (exports and saved deals at that CRM stage then count as disqualified)",
        ],
        id="disqualified-stage",
    ),
    pytest.param(
        with_stage_keys("    renamed_from: [won, talks]\n").replace(
            "  - id: won\n", "  - id: won\n    renamed_from: [talks, Old Id]\n"
        ),
        [
            "7:20: error: 'won' is in renamed_from but is the id of a stage of this process; renamed_from lists only ids the process no longer has: remove 'won'",
            "14:20: error: 'talks' is in the renamed_from of two stages ('talking' too); saved deals can carry an old id over to one stage only: keep it in one",
            "14:27: error: 'Old Id' is not a valid id (item 2 of 'renamed_from'): use lowercase letters, digits and single hyphens, e.g. 'old-id'",
        ],
        id="renamed-from-current-or-twice",
    ),
    pytest.param(
        VALID.replace(
            "      - id: pain-confirmed\n", "      - id: pain-confirmed\n        renamed_from: [pain-confirmed]\n"
        ),
        [
            "9:24: error: 'pain-confirmed' is in renamed_from but is the id of a milestone of this process; renamed_from lists only ids the process no longer has: remove 'pain-confirmed'",
        ],
        id="renamed-from-its-own-milestone-id",
    ),
    pytest.param(
        VALID + CRM,
        [
            "19:12: error: the CRM column 'opportunity name' is mapped twice (also at crm.columns.deal); a column holds one field, so keep one",
            "21:27: error: unknown stage id 'talkng'; did you mean 'talking'? (stage ids: talking, won)",
            "24:5: error: unknown milestone id 'pain-confirmd': crm.milestones maps the milestones defined under stages; did you mean 'pain-confirmed'?",
            "25:27: error: the CRM column 'Pain Confirmed' is mapped twice (also at crm.milestones.pain-confirmd.met); a column holds one field, so keep one",
            "25:43: error: unknown key 'evidnce' in crm.milestones.pain-confirmed; did you mean 'evidence'?",
            "27:10: error: 'dates' must be one of 'day-first' or 'month-first', got 'day first'",
        ],
        id="crm-block",
    ),
    pytest.param(
        VALID + "crm:\n  owners:\n    005Ec000004oBPNIA2: ana-lopez\n    Ana Lopez: Ana Lopez\n    '42': ana@example\n"
        '    "": ana@example.com\n    Grace: [grace@example.com]\n'
        "  stage_names: {Proposal: Talking Stage, Signed: 5}\n  milestones: {Pain Confirmed: Pain}\n",
        [
            "17:25: error: 'ana-lopez' is not an email address; type one address like ana@example.com (crm.owners maps "
            "each CRM owner id or name to the email address of the user who owns their deals)",
            "18:16: error: 'Ana Lopez' is not an email address; type one address like ana@example.com (crm.owners maps "
            "each CRM owner id or name to the email address of the user who owns their deals)",
            "19:11: error: 'ana@example' is not an email address: 'example' is not a domain (letters, digits and "
            "hyphens in parts between dots, ending in one like .com); type one address like ana@example.com "
            "(crm.owners maps each CRM owner id or name to the email address of the user who owns their deals)",
            "20:9: error: a key of 'owners' must not be empty",
            "21:12: error: the value of 'Grace' in 'owners' must be text, got a list",
            "22:27: error: unknown stage id 'Talking Stage'; did you mean 'talking'? (stage ids: talking, won)",
            "22:50: error: the value of 'Signed' in 'stage_names' must be text, got a number; put it in quotes",
            "23:16: error: unknown milestone id 'Pain Confirmed': crm.milestones maps the milestones defined under "
            "stages; did you mean 'pain-confirmed'?",
        ],
        id="crm-mappings-say-what-their-values-must-be",  # not "'ana-lopez' is not a valid 005Ec000004oBPNIA2"
    ),
    pytest.param(
        VALID + 'crm:\n  columns: {deal: Opportunity Name, owner: "opportunity\u00a0 name"}\n'
        "  stage_names: {Closed Won: won, closed  won: talking}\n",
        [
            "16:44: error: the CRM column 'opportunity\u00a0 name' is mapped twice (also at crm.columns.deal); a column holds one field, so keep one",
            "17:34: error: the CRM stage name 'closed  won' is mapped twice (also as 'Closed Won'; names are compared ignoring case and spaces); keep one",
        ],
        id="crm-names-differing-in-inner-spacing",
    ),
    pytest.param(
        VALID.replace("    name: Won\n", "    name: Closed Won\n")
        + "crm:\n  stage_names: {Signed: won, won: talking}\n",
        [
            "16:30: error: 'won' is already the id of stage 'won'; map a CRM name that differs from the stages' own ids and names"
        ],
        id="crm-stage-name-that-is-another-stages-id",
    ),
    pytest.param(
        VALID + "crm:\n  milestones:\n    pain-confirmed: {met: Pain Confirmed, confirmed_by: Pain Buyer}\n",
        [
            "17:43: error: milestone 'pain-confirmed' has no buyer_statement, so no buyer can confirm it; "
            "remove 'confirmed_by' or give 'pain-confirmed' a buyer_statement"
        ],
        id="crm-buyer-of-a-milestone-without-statement",
    ),
    pytest.param(
        VALID.replace("    milestones:\n", "    milstones:\n"),
        ["7:5: error: unknown key 'milstones' in stage 'Talking'; did you mean 'milestones'?"],
        id="misspelt-key",
    ),
    pytest.param(
        VALID.replace("    milestones:\n", "    exit_criteria:\n"),
        [
            "7:5: error: unknown key 'exit_criteria' in stage 'Talking'; a stage's customer outcomes are its 'milestones:'"
        ],
        id="milestones-in-other-words-is-one-error",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", "    name: Talking\n    name_de: Im Gespräch\n"),
        [
            "6:5: error: unknown key 'name_de' in stage 'Talking'; a process has one language, and there is no key for "
            "translations: remove 'name_de', and write each text once, in the one language the playbook uses"
        ],
        id="a-translated-name-is-no-misspelt-name",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", "    Name-FR: En discussion\n    translations: {}\n"),
        [
            "4:5: error: stage 'talking' is missing the required key 'name'"
            "; add 'name:' with the stage's name as reps and the CRM know it (e.g. name: Demonstrating)",
            "5:5: error: unknown key 'Name-FR' in stage 'talking'; a process has one language, and there is no key for "
            "translations: remove 'Name-FR', and write each text once, in the one language the playbook uses",
            "6:5: error: unknown key 'translations' in stage 'talking'; a process has one language, and there is no key for "
            "translations: remove 'translations', and write each text once, in the one language the playbook uses",
        ],
        id="translations-of-a-missing-name",
    ),
    pytest.param(
        VALID.replace("name: Tiny process\n", "name: Tiny process\nowner: Sam\n"),
        [
            "2:1: error: unknown key 'owner' in the process; allowed keys: name, version, description, company, language, stages, practice, crm"
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", "probability: 120\n"),
        [
            "6:18: error: 'probability' must be between 0 and 100, got 120; write the stage's win probability as a whole percent from 0 to 100"
        ],
        id="probability-out-of-range",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", 'probability: "60"\n'),
        ["6:18: error: 'probability' must be a whole number, got text '60'; remove the quotes"],
        id="probability-quoted",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", "probability: 60%\n"),
        ["6:18: error: 'probability' must be a whole number, got text '60%'; write 60, without the % sign"],
        id="probability-with-a-percent-sign",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", "probability: 0.6\n"),
        [
            "6:18: error: 'probability' must be a whole number, got a number 0.6; a probability is a percentage: write 60 for 0.6"
        ],
        id="probability-as-a-fraction",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        optional: yes\n        Only If: {amount_at_least: 1}\n"
            "        one_of: [other]\n        expires_after: 90\n",
        ),
        [
            "12:9: error: unknown key 'optional' in stage 'Talking', milestone 'pain-confirmed'; to make a milestone optional, write 'required: false'",
            "13:9: error: unknown key 'Only If' in stage 'Talking', milestone 'pain-confirmed'; to require it of some deals only, write 'required_when:' (e.g. 'required_when: {amount_at_least: 25000}')",
            "14:9: error: unknown key 'one_of' in stage 'Talking', milestone 'pain-confirmed'; for alternatives, give each of them the same 'group:' (e.g. 'group: product-proof')",
            "15:9: error: unknown key 'expires_after' in stage 'Talking', milestone 'pain-confirmed'; to say how long its evidence stays current, write 'max_age_days:' (e.g. 'max_age_days: 90')",
        ],
        id="milestone-keys-in-other-words",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n"
            "        required_when: {amount_above: 25000, max_amount: 90000, segments: [Enterprise]}\n",
        ),
        [
            # amount_above is one letter from amount_below, whose meaning is the opposite: the meaning wins.
            "12:25: error: unknown key 'amount_above' in stage 'Talking', milestone 'pain-confirmed'; for deals of at least an amount, write 'amount_at_least:' (e.g. 'amount_at_least: 25000')",
            "12:46: error: unknown key 'max_amount' in stage 'Talking', milestone 'pain-confirmed'; for deals under an amount, write 'amount_below:' (e.g. 'amount_below: 100000')",
            "12:65: error: unknown key 'segments' in stage 'Talking', milestone 'pain-confirmed'; write 'segment:' (e.g. 'segment: [Enterprise]')",
        ],
        id="condition-keys-in-other-words",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "\u00a0   probability: 60\n"),
        [
            "6:1: error: this line is indented with a non-breaking space (U+00A0), which YAML does not read as "
            "indentation (text pasted from Word or a web page brings it): replace it with an ordinary space"
        ],
        id="no-break-space-as-indentation",
    ),
    # Text pasted from a word processor: its characters where YAML's structure needs '- ' or a space, at their place.
    pytest.param(
        VALID.replace("      - id: pain", "      \u2013 id: pain"),
        [
            "8:7: error: this line starts with '\u2013' (an en dash, as word processors write lists) where YAML needs "
            "'- ' (a hyphen and a space) to start a list item; replace the '\u2013' with '-'"
        ],
        id="en-dash-for-a-list-item",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  \u2014 id: won"),
        [
            "12:3: error: this line starts with '\u2014' (an em dash, as word processors write lists) where YAML needs "
            "'- ' (a hyphen and a space) to start a list item; replace the '\u2014' with '-'"
        ],
        id="em-dash-for-the-last-list-item",
    ),
    *(
        pytest.param(
            VALID.replace(
                "    probability: 60\n", f"    probability: 60\n    rep_activities:\n      {bullet} Send the recap.\n"
            ),
            [
                f"8:7: error: this line starts with a bullet '{bullet}' where YAML needs '- ' (a hyphen and a space) "
                f"to start a list item; replace the '{bullet}' with '-'"
            ],
            id=f"bullet-U+{ord(bullet):04X}-for-a-list-item",
        )
        for bullet in "\u2022\u00b7\u25aa\u25e6"
    ),
    pytest.param(
        VALID.replace("probability: 60", "probability:\u00a060"),
        [
            "6:17: error: there is a non-breaking space (U+00A0) after the ':' of the key 'probability', where YAML "
            "needs an ordinary space (text pasted from Word or a web page brings it); replace it with an ordinary space"
        ],
        id="no-break-space-after-a-colon",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  -\u00a0id: won"),
        [
            "12:4: error: there is a non-breaking space (U+00A0) after the '-' of this list item, where YAML needs "
            "an ordinary space (text pasted from Word or a web page brings it); replace it with an ordinary space"
        ],
        id="no-break-space-after-a-dash",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  - id:\u00a0won").replace(
            "        evidence: The customer's reply email.\n", "        evidence: |\n          The reply email.\n"
        ),
        [
            "13:8: error: there is a non-breaking space (U+00A0) after the ':' of the key 'id', where YAML "
            "needs an ordinary space (text pasted from Word or a web page brings it); replace it with an ordinary space"
        ],
        id="no-break-space-after-a-colon-below-a-block-text",
    ),
    *(
        pytest.param(
            VALID.replace("probability: 60", f"probability: 60{char}"),
            [
                f"6:20: error: there is {name} here, after '60', which does not show (text pasted from Word or a web "
                "page brings it), so YAML reads the value as text, not a number; delete it"
            ],
            id=f"U+{ord(char):04X}-in-a-number",
        )
        for char, name in [
            ("\u200b", "a zero-width space (U+200B)"),
            ("\u200c", "a zero-width non-joiner (U+200C)"),
            ("\u200d", "a zero-width joiner (U+200D)"),
            ("\u2060", "a word joiner (U+2060)"),
            ("\ufeff", "a zero-width no-break space (a byte-order mark) (U+FEFF)"),
        ]
    ),
    pytest.param(
        VALID.replace("        customer_action:", "      customer_action:"),
        [
            "10:7: error: the key 'customer_action' is indented by 6 spaces, less than the other keys of milestone "
            "'pain-confirmed' (line 8); indent it by 8 spaces, as they are (YAML: expected <block end>, but found '?')"
        ],
        id="milestone-key-indented-as-its-dash",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  id: won"),
        [
            "12:3: error: 'id: won' is lined up with the '- ' of the stage that starts at line 4, but has no '- ': "
            "if 'won' is a new stage, start its line with '- ' (write '- id: won') "
            "(YAML: expected <block end>, but found '?')"
        ],
        id="stage-without-its-dash",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  - id: won\u200b"),
        [
            "12:9: error: 'won' (with a zero-width space, U+200B, at character 4, which does not show) is not a "
            "valid id: use lowercase letters, digits and single hyphens, e.g. 'won'"
        ],
        id="zero-width-space-in-an-id-is-named",
    ),
    pytest.param(
        VALID.replace("  - id: won", "  - id: w\u200bon").replace("probability: 60", "probability\u200b: 60"),
        [
            "6:5: error: unknown key 'probability' (with a zero-width space, U+200B, at character 12, which does not "
            "show) in stage 'Talking'; did you mean 'probability'?",
            "12:9: error: 'won' (with a zero-width space, U+200B, at character 2, which does not show) is not a "
            "valid id: use lowercase letters, digits and single hyphens, e.g. 'won'",
        ],
        id="zero-width-space-in-a-key-and-inside-an-id-is-named",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required: 'false'\n        renamed_from: pain-agreed\n",
        ),
        [
            "12:19: error: 'required' must be true or false, got text 'false'; remove the quotes: false",
            "13:23: error: 'renamed_from' must be a list (one '- ' item per line), got text; for one item write [pain-agreed]",
        ],
        id="true-false-and-a-list-written-as-text",
    ),
    pytest.param(
        VALID.replace("probability: 60", "probability: 060")
        .replace("probability: 100", "probability: 0x64")
        .replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        max_age_days: 08\n",
        )
        + "crm:\n  owners: {012345: ana@example.com, 0017: grace@example.com}\n",
        [
            "6:18: error: '060' is read as 48 (a number with a leading 0 is octal); write 60 (without the leading 0)",
            "12:23: error: 'max_age_days' must be a whole number, got text '08'; write 8 (without the leading 0)",
            "15:18: error: '0x64' is read as 100 (YAML reads it as a hexadecimal number); write it in decimal digits, "
            "e.g. 100",
            "17:12: error: '012345' is read as 5349 (a number with a leading 0 is octal); put it in quotes to keep it "
            "as written: '012345'",
            "17:37: error: '0017' is read as 15 (a number with a leading 0 is octal); put it in quotes to keep it as "
            "written: '0017'",
        ],
        id="numbers-with-a-leading-zero-or-a-prefix",  # 010 was silently 8; 08, text, was told to lose no quotes
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        renamed_from: '[pain-agreed]'\n",
        )
        + "crm:\n  lost_stages: \"[Closed Lost, Dead]\"\n  status_values: {won: '[Won, Yes]'}\n",
        [
            "12:23: error: 'renamed_from' must be a list (one '- ' item per line), got text; remove the quotes, which "
            "make it one text: [pain-agreed]",
            "17:16: error: 'lost_stages' must be a list (one '- ' item per line), got text; remove the quotes, which "
            "make it one text: [Closed Lost, Dead]",
            "18:24: error: 'won' must be a list (one '- ' item per line), got text; remove the quotes, which make it "
            "one text: [Won, Yes]",
        ],
        id="a-list-written-in-quotes",  # the fix was [[pain-agreed]], a list in a list
    ),
    pytest.param(
        VALID.replace(
            "question: Has the customer confirmed the problem in writing?", "question: 'Customer's problem confirmed?'"
        ),
        [
            "9:29: error: the text in quotes ends at the ' just before this, and YAML reads nothing after it on the line; "
            'write the whole text in one pair of quotes: "Customer\'s problem confirmed?" '
            "(YAML: expected <block end>, but found '<scalar>')"
        ],
        id="an-apostrophe-inside-single-quotes",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace("      - id: pain-confirmed\n", "        id: pain-confirmed\n"),
        [
            "8:9: error: 'id: pain-confirmed' starts the first milestone of 'milestones' (line 7) but has no '- ', so "
            "YAML does not read it as an item of the list: start its line with '- ' (write '- id: pain-confirmed', "
            "lined up with the '- ' of the milestone at line 12) "
            "(YAML: expected <block end>, but found '<block sequence start>')"
        ],
        id="first-item-without-its-dash-lined-up-with-its-keys",  # was the parser's words, at the item below
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace("      - id: pain-confirmed\n", "      id: pain-confirmed\n"),
        [
            "8:7: error: 'id: pain-confirmed' starts the first milestone of 'milestones' (line 7) but has no '- ', so "
            "YAML does not read it as an item of the list: start its line with '- ' (write '- id: pain-confirmed', "
            "lined up with the '- ' of the milestone at line 12) (YAML: mapping values are not allowed here)"
        ],
        id="first-item-with-its-dash-deleted",  # was "line 9 is indented by 8 spaces …; line it up"
    ),
    pytest.param(
        VALID.replace("      - id: pain-confirmed\n", "      id: pain-confirmed\n"),
        [
            "8:7: error: 'id: pain-confirmed' starts the first milestone of 'milestones' (line 7) but has no '- ', so "
            "YAML does not read it as an item of the list: start its line with '- ' (write '- id: pain-confirmed', "
            "with the milestone's other keys indented 2 spaces deeper than the '-') "
            "(YAML: mapping values are not allowed here)"
        ],
        id="only-item-with-its-dash-deleted",
    ),
    pytest.param(
        VALID.replace("      - id: pain-confirmed\n", "      id: pain-confirmed\n").replace("        ", "      "),
        [
            "8:7: error: 'milestones' must be a list (one '- ' item per line), got a mapping; if it is one item, "
            "start its line 'id: pain-confirmed' with '- ' (write '- id: pain-confirmed')"
        ],
        id="only-item-without-its-dash-lined-up-with-its-keys",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        id: budget-confirmed\n        question: Budget?\n",
        ),
        [
            "12:9: error: a second 'id' in the item that starts at line 8: if 'budget-confirmed' is a new item, "
            "start its line with '- ' (write '- id: budget-confirmed', indented as the item above)"
        ],
        id="a-new-item-without-its-dash",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        group: written\n"
            "        id: po-issued\n        question: PO?\n        customer_action: A PO.\n"
            "        evidence: The PO.\n        group: written\n",
        ),
        [
            # One mistake, one error: the group left with one member is this mistake, not another.
            "13:9: error: a second 'id' in the item that starts at line 8: if 'po-issued' is a new item, "
            "start its line with '- ' (write '- id: po-issued', indented as the item above)"
        ],
        id="an-alternative-without-its-dash",
    ),
    pytest.param(
        VALID.replace("question: Has the customer confirmed the problem in writing?", 'question: "Problem" confirmed?'),
        [
            '9:29: error: the text in quotes ends at the " just before this, and YAML reads nothing after it on the line; '
            "write the whole text in one pair of quotes: '\"Problem\" confirmed?' "
            "(YAML: expected <block end>, but found '<scalar>')"
        ],
        id="text-after-a-quoted-word",
    ),
    pytest.param(
        with_stage_keys("    exit_criteria: []\n    tasks: [Call]\n"),
        [
            "7:5: error: unknown key 'exit_criteria' in stage 'Talking'; a stage's customer outcomes are its 'milestones:'",
            "8:5: error: unknown key 'tasks' in stage 'Talking'; the rep's work goes in 'rep_activities:'",
        ],
        id="stage-keys-in-other-words",
    ),
    pytest.param(
        VALID.replace("probability: 60\n", "probability: 60 days\n"),
        ["6:18: error: 'probability' must be a whole number, got text '60 days'"],
        id="probability-with-a-unit-it-does-not-take",
    ),
    pytest.param(
        VALID.replace("probability: 100", "probability: 5"),
        [
            "14:18: error: probability 5 is lower than the 60 of the stage before it, 'Talking'; "
            "probabilities must not decrease along the pipeline: lower that one or raise this one"
        ],
        id="decreasing-probability",
    ),
    pytest.param(
        VALID.replace("reply email.\n", "reply email.\n        max_age_days: 3 months\n"),
        [
            "12:23: error: 'max_age_days' must be a whole number, got text '3 months'; count it in days: write 90 for 3 months"
        ],
        id="days-written-in-months",
    ),
    pytest.param(
        VALID.replace("id: won", "id: talking"),
        ["12:9: error: duplicate stage id 'talking' (already used by stage 'Talking'); every stage needs its own id"],
        id="duplicate-stage-id",
    ),
    pytest.param(
        VALID.replace("name: Won", "name: ' talking '"),
        [
            "13:11: error: stage name 'talking' is already the name of stage 'talking' (line 4); a CRM export, a deal "
            "file or the API names a stage by its id or its name, so give each stage a name of its own"
        ],
        id="stage-name-repeats-a-name",
    ),
    pytest.param(
        VALID.replace("name: Won", "name: Talking"),
        [
            # Named by its own name, the first stage read 'is already the name of stage 'Talking''.
            "13:11: error: stage name 'Talking' is already the name of stage 'talking' (line 4); a CRM export, a deal "
            "file or the API names a stage by its id or its name, so give each stage a name of its own"
        ],
        id="stage-name-repeats-the-same-name",
    ),
    pytest.param(
        VALID.replace("name: Talking", "name: Won"),
        [
            "5:11: error: stage name 'Won' is already the id of stage 'won' (line 12); a CRM export, a deal file or "
            "the API names a stage by its id or its name, so give each stage a name of its own"
        ],
        id="stage-name-is-another-stages-id",
    ),
    pytest.param(
        VALID.replace("id: pain-confirmed", "id: owner"),
        [
            "8:13: error: milestone id 'owner' is the name of the deal's own 'owner' column, which exports and deal "
            "files read as the deal's; give the milestone an id of its own, e.g. 'owner-confirmed'"
        ],
        id="milestone-id-is-a-deal-field",
    ),
    pytest.param(
        with_stage_keys(
            "    question: Has the plant approved the survey?\n    customer_action: The plant signs it.\n"
            "    evidence: The signed survey report.\n"
        ),
        [
            "7:5: error: 'question', 'customer_action' and 'evidence' are keys of a milestone, not of stage "
            "'Talking': move them under the stage's 'milestones:', in an item that starts with '- id: …' (indented "
            "under 'milestones:')"
        ],
        id="milestone-pasted-into-its-stage",  # one mistake, one error: it was three, one a did-you-mean 'description'
    ),
    pytest.param(
        with_stage_keys("    evidence: The signed survey report.\n"),
        [
            "7:5: error: 'evidence' is a key of a milestone, not of stage 'Talking': move it into the milestone it "
            "belongs to, under the stage's 'milestones:', indented like that milestone's other keys"
        ],
        id="milestone-key-in-its-stage",
    ),
    pytest.param(
        VALID.replace("id: talking", "id: Talking Stage"),
        [
            "4:9: error: 'Talking Stage' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'talking-stage'"
        ],
        id="id-not-a-slug",
    ),
    pytest.param(
        VALID.replace("id: pain-confirmed", "id: pain-confirmé"),
        [
            "8:13: error: 'pain-confirmé' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'pain-confirme'"
        ],
        id="id-with-an-accent",
    ),
    pytest.param(
        VALID.replace("id: pain-confirmed", "id: budget-bestätigt"),
        [
            "8:13: error: 'budget-bestätigt' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'budget-bestaetigt'"
        ],
        id="id-with-an-umlaut-as-german-writes-it-plainly",
    ),
    pytest.param(
        VALID.replace("id: talking", "id: Lösungsdesign-Straße"),
        [
            "4:9: error: 'Lösungsdesign-Straße' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'loesungsdesign-strasse'"
        ],
        id="stage-id-with-an-umlaut-and-sharp-s",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", "    name: &talk Talking\n    summary: *tlak\n"),
        [
            "6:14: error: there is no anchor '&tlak' above to repeat; did you mean '*talk'? "
            "(an alias '*name' repeats the value marked '&name' earlier in the file)"
        ],
        id="an-undefined-alias",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", ""),
        [
            "4:5: error: stage 'talking' is missing the required key 'name'"
            "; add 'name:' with the stage's name as reps and the CRM know it (e.g. name: Demonstrating)"
        ],
        id="missing-stage-name",
    ),
    pytest.param(
        VALID.replace("        evidence: The customer's reply email.\n", ""),
        [
            "8:9: error: stage 'Talking', milestone 'pain-confirmed' is missing the required key 'evidence'; "
            "add 'evidence:' with the document or record that proves it (e.g. evidence: The buyer's reply email)"
        ],
        id="missing-evidence",
    ),
    pytest.param(
        VALID.replace("    probability: 100\n", ""),
        [
            "12:5: error: stage 'Won' is missing the required key 'probability'; add 'probability:' with the win "
            "probability in percent (0–100) of a deal verified in this stage (e.g. probability: 40)"
        ],
        id="missing-probability",
    ),
    pytest.param(
        VALID.replace("name: Won", "name: 2027"),
        ["13:11: error: 'name' must be text, got a number; put it in quotes"],
        id="name-is-a-number",
    ),
    pytest.param(
        with_stage_keys("    pitfalls:\n      - Note: this breaks\n"),
        [
            "8:9: error: item 1 of 'pitfalls' must be text, got a mapping; a ': ' inside text starts a key in YAML, so put the whole text in quotes"
        ],
        id="colon-in-list-text",
    ),
    pytest.param(
        VALID.replace("  - id: won\n    name: Won\n    probability: 100\n", ""),
        [
            "4:3: error: 'stages' needs at least 2 items, got 1",
            "7:5: error: the last stage must have no milestones: there is no stage after it to move on to; move them to an earlier stage",
        ],
        id="one-stage",
    ),
    pytest.param(
        VALID
        + "    milestones:\n      - id: signed\n        question: Has the customer signed?\n        customer_action: The customer signs.\n        evidence: The signed contract.\n",
        [
            "15:5: error: the last stage must have no milestones: there is no stage after it to move on to; move them to an earlier stage"
        ],
        id="milestones-on-last-stage",
    ),
    pytest.param(
        VALID.replace(
            "    milestones:\n      - id: pain-confirmed\n        question: Has the customer confirmed the problem in writing?\n        customer_action: The customer replies to our recap and confirms the problem.\n        evidence: The customer's reply email.\n",
            "",
        ),
        ["4:5: error: stage 'Talking' needs at least one milestone: the customer outcomes that let a deal leave it"],
        id="stage-without-milestones",
    ),
    pytest.param(
        with_stage_keys("    milestones: []\n").replace(
            "    milestones:\n      - id: pain", "    extra_milestones:\n      - id: pain"
        ),
        [
            "7:17: error: stage 'Talking' needs at least one milestone: the customer outcomes that let a deal leave it",
            "8:5: error: unknown key 'extra_milestones' in stage 'Talking'; did you mean 'milestones'?",
        ],
        id="empty-milestones-and-unknown-key",
    ),
    pytest.param(
        VALID.replace(
            "    milestones:\n      - id: pain-confirmed\n        question: Has the customer confirmed the problem in writing?\n        customer_action: The customer replies to our recap and confirms the problem.\n        evidence: The customer's reply email.\n",
            "    milestones:\n",
        ),
        ["7:16: error: stage 'Talking' needs at least one milestone: the customer outcomes that let a deal leave it"],
        id="empty-milestones-value",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        max_age_days: 0\n        evidence_required: maybe\n",
        ),
        [
            "12:23: error: 'max_age_days' must be a positive whole number of days, got 0",
            "13:28: error: 'evidence_required' must be true or false, got text 'maybe'",
        ],
        id="milestone-value-types",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        max_age_days: 90 days\n",
        ),
        ["12:23: error: 'max_age_days' must be a whole number, got text '90 days'; write 90, without 'days'"],
        id="days-with-their-unit",
    ),
    pytest.param(
        VALID.replace("name: Tiny process\n", "name: Tiny process\nname: Other\n"),
        [
            "2:1: error: duplicate key 'name' (first at line 1); YAML would silently keep only the last one, so merge or remove one"
        ],
        id="duplicate-key",
    ),
    pytest.param(
        VALID.replace("stages:\n", "stages: \n").replace("  - id: won", "\t- id: won"),
        ["12:1: error: this line is indented with a tab; YAML allows only spaces: replace the tab with spaces"],
        id="tab-indentation",
    ),
    pytest.param(
        VALID.replace('version: "1"', 'version: "1'),
        [
            '2:10: error: the quote " opened here is not closed on this line, so YAML reads the lines below as part of the text; end the text with " (or remove the opening ")'
        ],
        id="unclosed-quote",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n", "        evidence: Email: the customer's reply.\n"
        ),
        [
            "11:24: error: this text contains ': ', which YAML reads as a new key; put the whole text in quotes (YAML: mapping values are not allowed here)"
        ],
        id="colon-inside-unquoted-text",
    ),
    pytest.param(
        VALID.replace(
            "        question: Has the customer confirmed the problem in writing?\n",
            '        question: "Has the customer confirmed the problem in writing?\n',
        ),
        [
            '9:19: error: the quote " opened here is not closed on this line, so YAML reads the lines below as part of the text; end the text with " (or remove the opening ")'
        ],
        id="unclosed-quote-in-the-middle",
    ),
    pytest.param(
        with_stage_keys("    pitfalls: [Silence, Happy ears\n"),
        [
            "7:15: error: the list opened with '[' here is not closed; end it with ']' on the same line: "
            "pitfalls: [Silence, Happy ears]"
        ],
        id="unclosed-list",
    ),
    pytest.param(
        VALID + "practice: {generated: false\n",
        [
            "15:11: error: the mapping opened with '{' here is not closed; end it with '}' on the same line: "
            "practice: {generated: false}"
        ],
        id="unclosed-mapping-at-the-end-of-the-file",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n", "        required_when: {segment: [Hospital, Clinic}\n"
        ),
        [
            "11:34: error: the list opened with '[' here is not closed; end it with ']' before the '}': "
            "required_when: {segment: [Hospital, Clinic]}"
        ],
        id="unclosed-list-inside-a-mapping",
    ),
    pytest.param(
        VALID + "practice:\n  scenarios: [one,\n",
        ["16:14: error: the list opened with '[' here is not closed; end it with ']' after its last item"],
        id="unclosed-list-going-on-below",
    ),
    pytest.param(
        with_stage_keys("    pitfalls: [Silence, Happy ears] only\n"),
        [
            "7:37: error: the list in brackets ends at the ']' just before this, and YAML reads no text after it on "
            "the line; remove the text 'only' after it, or write it after ' # ' as a comment, or "
            "inside the brackets as an item (YAML: expected <block end>, but found '<scalar>')"
        ],
        id="text-after-a-closing-bracket",
    ),
    pytest.param(
        with_stage_keys("    pitfalls: [comittee]-submission-accepted\n"),
        [
            "7:25: error: the list in brackets ends at the ']' just before this, and YAML reads no text after it on "
            "the line; if it is the end of the last item, write it inside the brackets: "
            "pitfalls: [comittee-submission-accepted] (YAML: expected <block end>, but found '<scalar>')"
        ],
        id="text-right-after-a-closing-bracket",
    ),
    pytest.param(
        VALID.replace(
            "        question: Has the customer confirmed the problem in writing?\n",
            '        question: "Has the customer confirmed the problem in writing?\u201d\n',
        ),
        [
            '9:19: error: the quote " opened here is not closed on this line: the text ends with \u201d, a curly '
            "quote (as Word and web pages write it), which YAML does not read as the end of the text; replace it "
            'with " (or remove the opening ")'
        ],
        id="closed-with-a-curly-quote",
    ),
    pytest.param(
        VALID + 'description: "Our process',
        [
            '15:14: error: the quote " opened here is not closed on this line, so YAML reads the lines below as part of the text; end the text with " (or remove the opening ")'
        ],
        id="unclosed-quote-at-the-end-of-the-file",
    ),
    pytest.param(
        with_stage_keys("    summary: The customer has agreed to talk and\n    we are learning about their problem.\n"),
        [
            "8:5: error: this line goes on with the text of 'summary' (line 7) but is lined up with its key; join it to "
            "the end of line 7, or indent it by 6 spaces (deeper than 'summary') (YAML: could not find expected ':')"
        ],
        id="text-going-on-under-its-key",
    ),
    pytest.param(
        with_stage_keys("    description: |\n      The customer has agreed to talk,\n\n    and we are learning.\n"),
        [
            "10:5: error: this line goes on with the text of 'description' (line 7) but is lined up with its key; "
            "indent it by 6 spaces, as the lines of the text above (YAML: could not find expected ':')"
        ],
        id="block-text-line-lined-up-with-its-key",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability 60\n"),
        [
            "6:5: error: this line has no ':' after its key 'probability'; write it as 'probability: 60' "
            "(YAML: could not find expected ':')"
        ],
        id="key-without-its-colon",
    ),
    pytest.param(
        VALID.replace("    milestones:\n", "    milestones\n"),
        [
            "7:5: error: this line has no ':' after its key 'milestones'; write it as 'milestones:' (YAML: could not find expected ':')"
        ],
        id="key-of-a-list-without-its-colon",
    ),
    pytest.param(
        VALID.replace("      - id: pain-confirmed\n", "      - id pain-confirmed\n"),
        [
            "8:9: error: this line has no ':' after its key 'id'; write it as 'id: pain-confirmed' "
            "(YAML: mapping values are not allowed here)"
        ],
        id="id-without-its-colon-above-a-key",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability:60\n"),
        [
            "6:5: error: this line has no space after the ':' of its key 'probability'; YAML needs one: write it as "
            "'probability: 60' (YAML: could not find expected ':')"
        ],
        id="no-space-after-the-colon",
    ),
    pytest.param(
        with_stage_keys("    rep_activities:\n      * Ask who decides.\n"),
        [
            "8:7: error: list items start with '- ' in YAML, not '* '; write it as '- Ask who decides.' (a '*' starts "
            "an alias, which repeats a value marked '&' above) (YAML: expected alphabetic or numeric character, but "
            "found ' ')"
        ],
        id="star-bullet",
    ),
    pytest.param(
        VALID.replace(
            "  - id: won\n",
            "        - id: budget-confirmed\n          question: Budget?\n          customer_action: The buyer names the "
            "budget.\n          evidence: The email.\n  - id: won\n",
        ),
        [
            "12:9: error: this list item is indented by 8 spaces, 2 more than the milestone above it (line 8), so YAML "
            "reads it inside that milestone; line it up with the milestone above: indent it by 6 spaces (YAML: expected "
            "<block end>, but found '-')"
        ],
        id="milestone-indented-more-than-the-one-above",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace("      - id: pain-confirmed\n", "    - id: pain-confirmed\n"),
        [
            "8:5: error: this milestone's '- ' is indented by 4 spaces, but its keys below it (line 9) are indented "
            "for a '- ' at 6 spaces; indent this line by 6 spaces, lined up with the '- ' of the milestone at line 12 "
            "(YAML: mapping values are not allowed here)"
        ],
        id="first-milestone-dash-moved-left",  # was reported at line 9, whose fix gave another error
    ),
    pytest.param(
        VALID.replace("      - id: pain-confirmed\n", "     - id: pain-confirmed\n"),
        [
            "8:6: error: this milestone's '- ' is indented by 5 spaces, but its keys below it (line 9) are indented "
            "for a '- ' at 6 spaces; indent this line by 6 spaces, 2 less than its keys "
            "(YAML: mapping values are not allowed here)"
        ],
        id="only-milestone-dash-moved-left",
    ),
    pytest.param(
        WITH_A_SECOND_MILESTONE.replace(
            "        question: Has the customer confirmed", "          question: Has the customer confirmed"
        ),
        [
            "9:11: error: this line is indented by 10 spaces, but the keys around it (line 8) use 8 spaces; line it up with them (or, if it belongs under the key above, end that key with ':' and put nothing after it) (YAML: mapping values are not allowed here)"
        ],
        id="key-indented-too-far-below-a-milestone-in-its-place",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "      probability: 60\n"),
        [
            "6:7: error: this line is indented by 6 spaces, but the keys around it (line 5) use 4 spaces; line it up with them (or, if it belongs under the key above, end that key with ':' and put nothing after it) (YAML: mapping values are not allowed here)"
        ],
        id="indented-too-far",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "   probability: 60\n"),
        [
            "6:4: error: this line is indented by 3 spaces, but the keys around it (line 5) use 4 spaces; line it up with them (or, if it belongs under the key above, end that key with ':' and put nothing after it) (YAML: expected <block end>, but found '<block mapping start>')"
        ],
        id="indented-too-little",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability: 60\n    - Ask who decides\n"),
        [
            "7:5: error: a list item ('- ') among the keys of a mapping; remove the '- ', or put the item under a key that holds a list (a line 'key:' with the items indented below it) (YAML: expected <block end>, but found '-')"
        ],
        id="list-item-among-keys",
    ),
    pytest.param(
        VALID.replace(
            "  - id: won\n",
            "    - id: budget-confirmed\n        question: Budget?\n        customer_action: The buyer names the budget.\n        evidence: The email.\n  - id: won\n",
        ),
        [
            "12:5: error: this list item is indented by 4 spaces, less than the list above it; indent it 2 more spaces to line up with the milestone above (line 8) (YAML: expected <block end>, but found '-')"
        ],
        id="milestone-indented-less-than-the-one-above",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        guidance: |\n          - Send a recap\n",
        ).replace(
            "  - id: won\n",
            "     - id: budget-confirmed\n        question: Budget?\n        customer_action: The buyer names the budget.\n        evidence: The email.\n  - id: won\n",
        ),
        [
            "14:6: error: this list item is indented by 5 spaces, less than the list above it; indent it 1 more space to line up with the milestone above (line 8) (YAML: expected <block end>, but found '<block sequence start>')"
        ],
        id="milestone-indented-less-below-a-text-with-a-list",
    ),
    pytest.param(
        VALID.replace("      - id: pain-confirmed\n", "   - id: pain-confirmed\n"),
        [
            "8:4: error: this list item is indented by 3 spaces, less than the key 'milestones' above it (line 7), so YAML leaves 'milestones' empty; indent it 3 more spaces to put it under 'milestones:' (YAML: expected <block end>, but found '<block sequence start>')"
        ],
        id="first-milestone-indented-less-than-its-key",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {amount_at_least: 100.000}\n",
        ),
        [
            "12:42: error: '100.000' is read as 100: YAML takes the point for a decimal point; write 100000 (digits alone) for 100,000"
        ],
        id="thousands-written-with-points",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when:\n",
        ),
        [
            "12:9: error: 'required_when' has no condition under it; indent its conditions under it (e.g. 'required_when: {amount_at_least: 25000}'), or remove the line to require the milestone of every deal"
        ],
        id="condition-left-empty",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: amount_at_least 100000\n",
        ),
        [
            "12:24: error: 'required_when' must be a mapping of keys (amount_at_least, amount_below, segment), got text; "
            "write each key with its value, e.g. 'required_when: {amount_at_least: …}'"
        ],
        id="condition-without-its-colon",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required_when: {segment: []}\n",
        ),
        ["12:34: error: 'segment' needs at least 1 item, got 0; list them, or remove 'segment' altogether"],
        id="segments-left-empty",
    ),
    pytest.param(
        VALID.replace(
            "        question: Has the customer confirmed the problem in writing?\n",
            "        question: “Economic buyer: has the customer named them?”\n",
        ),
        [
            "9:34: error: this text contains ': ', which YAML reads as a new key; put the whole text in quotes "
            "(straight ones, \" or ': YAML reads “ as part of the text) (YAML: mapping values are not allowed here)"
        ],
        id="colon-in-text-in-curly-quotes",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "\tprobability: 60\n"),
        ["6:1: error: this line is indented with a tab; YAML allows only spaces: replace the tab with spaces"],
        id="tab-before-a-key",
    ),
    pytest.param(
        VALID.replace("        question:", "        qestion:"),
        ["9:9: error: unknown key 'qestion' in stage 'Talking', milestone 'pain-confirmed'; did you mean 'question'?"],
        id="misspelt-required-key-is-one-error",
    ),
    pytest.param(
        VALID.replace("    name: Talking\n", '    name: "  "\n').replace(
            "        question: Has the customer confirmed the problem in writing?\n", '        question: " "\n'
        ),
        [
            "5:11: error: 'name' must not be empty: it holds only spaces; write its text",
            "9:19: error: 'question' must not be empty: it holds only spaces; write its text",
        ],
        id="text-of-only-spaces",
    ),
    pytest.param(
        VALID.replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        required: optional\n",
        ),
        [
            "12:19: error: 'required' must be true or false, got text 'optional'; write required: false for an "
            "optional milestone (or leave 'required' out for a required one)"
        ],
        id="required-written-optional",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability: 35.5\n"),
        [
            "6:18: error: 'probability' must be a whole number, got a number 35.5; write a whole number of percent: 35 or 36"
        ],
        id="probability-with-a-decimal",
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability: -0.5\n").replace(
            "probability: 100", "probability: 100.5"
        ),
        [
            "6:18: error: 'probability' must be a whole number, got a number -0.5; write a whole number of percent: 0",
            "14:18: error: 'probability' must be a whole number, got a number 100.5; write a whole number of percent: 100",
        ],
        id="probability-with-a-decimal-out-of-range",  # was told -1 or 0, and -1 is refused next
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability: 30,5\n")
        .replace("probability: 100", "probability: 100,0")
        .replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: The customer's reply email.\n        max_age_days: 7,5\n",
        ),
        [
            "6:18: error: 'probability' must be a whole number, got text '30,5'; write a whole number of percent: 30 or 31",
            "12:23: error: 'max_age_days' must be a whole number, got text '7,5'; write a whole number: 7 or 8",
            "15:18: error: 'probability' must be a whole number, got text '100,0'; write a whole number of percent: 100",
        ],
        id="numbers-with-a-decimal-comma",  # were told no fix
    ),
    pytest.param(
        VALID.replace("    probability: 60\n", "    probability: \u201c35\u201d\n"),
        [
            "6:18: error: 'probability' must be a whole number, got text '\u201c35\u201d'; the quotes are typographic "
            "ones (from a word processor), which YAML keeps as part of the text: remove them: 35"
        ],
        id="probability-in-typographic-quotes",
    ),
    pytest.param("", ["1:1: error: the file is empty; a process needs at least 'name' and 'stages'"], id="empty"),
    pytest.param(
        "# nothing yet\n",
        ["1:1: error: the file is empty; a process needs at least 'name' and 'stages'"],
        id="only-comment",
    ),
    pytest.param(
        "- Discovery\n- Won\n",
        ["1:1: error: the top level must be a mapping with 'name' and 'stages' (e.g. 'name: My process')"],
        id="top-level-list",
    ),
    pytest.param(
        "name: x\nstages: Discovery\n",
        ["2:9: error: 'stages' must be a list (one '- ' item per line), got text"],
        id="stages-not-a-list",
    ),
    pytest.param(
        "name: !!python/object/apply:os.system [echo pwned]\nstages: []\n",
        [
            "1:7: error: the tag '!!python/object/apply:os.system' is not allowed here; remove it",
            "2:9: error: 'stages' needs at least 2 items, got 0",
        ],
        id="python-tag-never-executed",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_process_reports_every_error_at_its_line(
    text: str, expected: list[str], write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("process.yaml", text)
    status = main(["validate", "--process", str(path)])
    out, err = capsys.readouterr()
    count = len(expected)
    assert (status, out) == (1, "")
    assert (
        err == "".join(f"{path}:{line}\n" for line in expected) + f"{count} error{'s' if count != 1 else ''} found.\n"
    )


def _first_milestones(text: str) -> list[int]:
    """The lines (0-based) of each stage's first milestone in a process written as the default one is."""
    lines = text.split("\n")
    return [number + 1 for number, line in enumerate(lines[:-1]) if line == "    milestones:"]


@pytest.mark.parametrize("stage", range(5))
def test_first_milestone_moved_left_in_the_default_process_is_reported_at_its_line(
    stage: int, write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (Path(__file__).resolve().parents[2] / "process.yaml").read_text(encoding="utf-8").split("\n")
    moved = _first_milestones("\n".join(lines))[stage]
    lines[moved] = lines[moved][2:]  # its '- ' lined up with 'milestones:', as a slip of the editor leaves it
    path = write_file("process.yaml", "\n".join(lines))
    assert main(["validate", "--process", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:{moved + 1}:5: error: this milestone's '- ' is indented by 4 spaces"), err
    assert "indent this line by 6 spaces, lined up with the '- ' of the milestone at line" in err


def test_pasted_characters_inside_a_text_are_the_texts_own(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-breaking space, a dash or a bullet where YAML reads text (quoted, a '|' block, a text's next line) is
    the text's: only where YAML's structure needs '- ' or a space is it an error."""
    text = (
        VALID.replace(
            "        question: Has the customer confirmed the problem in writing?\n",
            "        question: 'Le client a-t-il confirm\u00e9 le probl\u00e8me par \u00e9crit\u00a0? Note\u00a0: oui'\n",
        )
        .replace(
            "        evidence: The customer's reply email.\n",
            "        evidence: |\n          \u2013 The customer's reply email\n          \u2022 or notes\u00a0: a call\n"
            "        customer_action: Le client r\u00e9pond\u00a0; il confirme\n          \u2013 par \u00e9crit\n",
        )
        .replace("        customer_action: The customer replies to our recap and confirms the problem.\n", "")
    )
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 0, capsys.readouterr().err


def test_many_errors_are_all_reported_in_one_run(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        VALID.replace("probability: 60\n", "probability: 120\n")
        .replace("name: Won", "name: [Won]")
        .replace("    milestones:", "    milstones:")
    )
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"{path}:6:18: error: 'probability' must be between 0 and 100, got 120; write the stage's win probability "
        "as a whole percent from 0 to 100",
        f"{path}:7:5: error: unknown key 'milstones' in stage 'Talking'; did you mean 'milestones'?",
        f"{path}:13:11: error: 'name' must be text, got a list",
        "3 errors found.",
    ]


def test_missing_file_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", "--process", str(missing)]) == 1
    assert (
        capsys.readouterr().err
        == f"{missing}: error: no such file; pass --process PATH or set PLAYBOOK_PROCESS\n1 error found.\n"
    )


def test_no_process_in_the_working_folder_points_to_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLAYBOOK_PROCESS", raising=False)
    assert main(["validate"]) == 1
    assert capsys.readouterr().err == (
        "process.yaml: error: no such file; run `playbook init` to write a starter one here, "
        "or pass --process PATH or set PLAYBOOK_PROCESS\n1 error found.\n"
    )


def test_not_utf8_points_at_the_bad_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "process.yaml"
    path.write_bytes(b"name: Caf\xe9\nstages: []\n")
    assert main(["validate", "--process", str(path)]) == 1
    assert (
        capsys.readouterr().err.splitlines()[0] == f"{path}:1:10: error: the file is not UTF-8 text; save it as UTF-8"
    )


@pytest.mark.parametrize(("written", "read"), [("05", 5), ("+60", 60), ("6_0", 60)])
def test_a_number_yaml_reads_as_its_digits_say_is_kept(
    written: str, read: int, write_file: Callable[[str, str], Path]
) -> None:
    """Only a number read as another than its digits say is refused: 05 is 5 all the same."""
    path = write_file("process.yaml", VALID.replace("probability: 60", f"probability: {written}"))
    assert load_process(path).process.stages[0].probability == read


def test_utf8_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "process.yaml"
    path.write_bytes("\ufeff".encode() + VALID.encode())
    assert main(["validate", "--process", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid: 2 stages, 1 milestone.\n"


def test_text_a_comment_cut_short_is_a_warning_with_the_quoted_fix(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`phase #2` in plain text starts a YAML comment: the question would lose its end without a word."""
    text = (
        VALID.replace("in writing?", "in writing for phase #2 of the rollout?")
        .replace("reply email.", "reply email, ticket #1234  # a comment of its own")
        .replace("name: Talking", "name: Talking  # a comment, left alone")
        .replace("probability: 100", "probability: 100 #comment-after-a-number")
    )
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:9:79: warning: '#2 of the rollout?' is read as a YAML comment, so the value ends before it: "
        "'Has the customer confirmed the problem in writing for ph...; to keep it, put the whole value in quotes: "
        '"Has the customer confirmed the problem in writing for phase #2 of the rollout?"',
        f"{path}:11:54: warning: '#1234' is read as a YAML comment, so the value ends before it: "
        '"The customer\'s reply email, ticket"; to keep it, put the whole value in quotes: '
        '"The customer\'s reply email, ticket #1234"',
    ]
    assert main(["validate", "--strict", "--process", str(path)]) == 1


def test_a_comment_cut_short_is_said_with_the_errors_of_the_same_run(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The warning came only once the errors were fixed: an editor fixed a bad probability, ran validate again and
    only then learnt that '#2' had cut a question short. Every problem comes in one run, each with its kind."""
    text = VALID.replace("in writing?", "in writing for phase #2 of the rollout?").replace(
        "probability: 100", "probability: 120"
    )
    path = write_file("process.yaml", text)
    assert main(["validate", "--process", str(path)]) == 1
    said = capsys.readouterr().err.splitlines()
    assert [line.split(": ", 2)[1] for line in said[:-1]] == ["warning", "error"]  # in the order of their lines
    assert said[0].startswith(f"{path}:9:79: warning: '#2 of the rollout?' is read as a YAML comment")
    assert "error: 'probability' must be between 0 and 100, got 120" in said[1]
    assert said[-1] == "1 error and 1 warning found."


def test_strict_says_warnings_fail_it_where_it_says_the_file_is_valid(
    write_file: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """ "valid: …, 1 warning." beside exit status 1 read as a contradiction."""
    path = write_file("process.yaml", VALID.replace("in writing?", "in writing for phase #2 of the rollout?"))
    assert main(["validate", "--strict", "--process", str(path)]) == 1
    assert (
        capsys.readouterr().out == f"{path}: valid: 2 stages, 1 milestone, 1 warning, which --strict makes an error.\n"
    )
    assert main(["validate", "--process", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid: 2 stages, 1 milestone, 1 warning.\n"


def test_utf16_without_its_byte_order_mark_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Read as UTF-8 it is a NUL between letters: the error named the first NUL, and deleting it showed thousands more."""
    path = tmp_path / "process.yaml"
    path.write_bytes(VALID.encode("utf-16-le"))
    assert main(["validate", "--process", str(path)]) == 1
    assert (
        capsys.readouterr().err
        == f"{path}:1:1: error: the file is UTF-16 text, not UTF-8; save it as UTF-8\n1 error found.\n"
    )
