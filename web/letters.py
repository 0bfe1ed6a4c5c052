"""Printable letters: the standard letter presenting the shortlist to the employer (§7.6)."""
from flask import Blueprint, g, render_template

from engine.runtime import letters
from web.auth import login_required
from web.store import uow

bp = Blueprint("letters", __name__)


@bp.app_context_processor
def letter_links():
    """Pages of a file (or of one of its tasks) link its printable letter, when its procedure has one."""
    return {"has_presentation_letter": lambda process_key: process_key in letters.LETTER_PROCESSES}


@bp.get("/instances/<int:instance_id>/courrier")
@login_required
def presentation(instance_id):
    return render_template("letters/presentation.html", letter=letters.presentation_letter(uow(), g.actor, instance_id),
                           instance_id=instance_id)
