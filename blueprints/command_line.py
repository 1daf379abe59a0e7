"""How every command ends when it cannot do its work: a one-line reason on standard error and exit status 1."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from pymongo.errors import PyMongoError

from services.errors import Refused


@contextlib.contextmanager
def one_line_reasons() -> Iterator[None]:
    """Within the block, a refusal, the database failing or the disk failing ends the command with its reason in
    one line (click prints it and exits 1) instead of a stack trace."""
    try:
        yield
    except Refused as error:
        raise click.ClickException(error.message) from None
    except PyMongoError as error:
        raise click.ClickException(f"The database failed: {str(error).splitlines()[0][:300]}") from None
    except OSError as error:
        raise click.ClickException(f"{error.filename or 'The disk'}: {error.strerror}.") from None
