"""`kg taxonomy`: the versions of the survey's taxonomy the graph holds (the original and
each one staged from the upstream list), the crosswalk between them, and adopting one."""

from __future__ import annotations

from datetime import date

import click

from kg.cli.common import location, open_store
from kg.paths import curation_file
from kg.schemes import SchemeError, adopt_scheme, crosswalk, scheme_in_force, taxonomy_schemes
from kg.store import Store, StoreError


@click.group("taxonomy")
def taxonomy() -> None:
    """The survey taxonomy's versions: list them, review a crosswalk, adopt one."""


@taxonomy.command("list")
@click.pass_context
def taxonomy_list(ctx: click.Context) -> None:
    """Every taxonomy scheme of the graph, oldest first; * marks the one in force."""
    for s in taxonomy_schemes(open_store(ctx, read_only=True)):
        issued = f" (seen {s.issued.isoformat()})" if s.issued else ""
        click.echo(f"{'*' if s.in_force else ' '} {s.iri}{issued}  {s.label or ''}")


@taxonomy.command("crosswalk")
@click.argument("scheme", required=False)
@click.pass_context
def taxonomy_crosswalk(ctx: click.Context, scheme: str | None) -> None:
    """The links from the older classes into SCHEME (default: the newest version), with counts."""
    store = open_store(ctx, read_only=True)
    schemes = taxonomy_schemes(store)
    chosen = scheme or (schemes[-1].iri if schemes else scheme_in_force(store))
    links = crosswalk(store, chosen)
    if not links:
        click.echo(f"no crosswalk into {chosen}", err=True)
    for link in links:
        click.echo(f"{link['old']} -> {link['new']}  ({link['match']}, {link['entries']} entries)  "
                   f"{link['description']}")


@taxonomy.command("adopt")
@click.argument("scheme")
@click.pass_context
def taxonomy_adopt(ctx: click.Context, scheme: str) -> None:
    """Make SCHEME the taxonomy in force (recorded in the curation file; undo: adopt id:taxonomy)."""
    try:
        store = Store.open(location(ctx))
        iri = adopt_scheme(store, scheme, curation_file=curation_file(location(ctx)), decided=date.today())
    except SchemeError as exc:
        raise click.UsageError(str(exc)) from exc
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"in force: {iri}; switch back with `kg taxonomy adopt id:taxonomy`", err=True)


COMMANDS = [taxonomy]
