"""The fixed prose of the process.yaml reference (the field tables are generated)."""

EDITING = """This page is for sales enablement: the people who change the sales process. The playbook you
are reading and the deal self-check form are both generated from one file, `process.yaml`. Change the
file, and the stage pages, the checklist and the form's questions change with it.

## How to edit

- Keep the stages in pipeline order, from the first conversation to the signed contract.
- Give every stage but the last at least one milestone. A milestone is something the **customer** does,
  documented by evidence a manager can check, never something the rep does.
- Probabilities never go down from one stage to the next.
- Ids (`id`) are slugs and must be unique across the file: they appear in links
  (`/stages/<stage-id>/#<milestone-id>`), in the form and in the columns of a CRM export. Renaming an id breaks
  links people have saved, so change the `name` or `question` instead when you can.
- Fields marked *Markdown* accept formatting such as `**bold**`, lists and links; raw HTML is shown as text.
- Editors that understand the YAML language server complete and check fields as you type, through the
  first line of the file: `# yaml-language-server: $schema=process.schema.json`."""

EXAMPLE = """## A stage, as written in the file

```yaml
stages:
  - id: demonstrating
    name: Demonstrating
    probability: 40
    summary: We show how our solution solves the confirmed problem, and talk price.
    rep_activities:
      - Run a demonstration built on the customer's own process and data.
    pitfalls:
      - Hearing "looks great" as agreement to buy.
    milestones:
      - id: pricing-agreeable
        question: Has the customer said the pricing is agreeable?
        customer_action: The budget owner says the price range fits their budget.
        evidence: The customer's email, or call notes quoting their words on the price.
        max_age_days: 60
```

The tables below are generated from the same model that validates the file, so they cannot drift from
what `playbook validate` accepts."""

VALIDATING = """## How to validate

Run the validator after every change; it prints every problem at once, each with its place in the file
(but a YAML syntax mistake, such as a missing colon, stops the reading: it is reported alone, and the
other problems once it is fixed):

```console
$ playbook validate --strict
process.yaml:70:5: error: unknown key 'milstones' in stage 'Qualifying'; did you mean 'milestones'?
1 error found.
```

The exit status is 0 when the file is valid, 1 when it has errors (or warnings, with `--strict`).
`playbook build` refuses an invalid file and keeps the previous site."""

DEFAULT_ADDRESS = "http://127.0.0.1:8000/"

_PREVIEWING = """## How to preview changes live

Start a preview server, open it in a browser, and save `process.yaml`: the pages are rebuilt and the
browser reloads within a second. When the file has an error, the server prints it as `FILE:LINE:COL`
and every page shows it at the top, above the last good version, until you fix it; nothing you typed is
touched.

=== "Playbook and form"

    ```console
    $ playbook serve
    ```

    {serve}

=== "Playbook only"

    ```console
    $ mkdocs serve
    ```

    Serves the playbook alone on <{default}> (the address it prints); the **Check a deal** links have no
    form behind them. Set `PLAYBOOK_PROCESS=path/to/other.yaml` to preview another process file."""


def previewing(served_at: str | None) -> str:
    """How to preview; under a preview server, with the address this page is served from."""
    if served_at:
        serve = f"Serves the playbook and the **Check a deal** form together: this preview is served on <{served_at}>."
    else:
        serve = f"Serves the playbook and the **Check a deal** form together on <{DEFAULT_ADDRESS}> (the address it prints)."
    return _PREVIEWING.format(serve=serve, default=DEFAULT_ADDRESS)
