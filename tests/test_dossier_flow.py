"""The dossier state machine: every (state, action) pair is either a listed move or a clear refusal."""

import itertools

import pytest

from services.dossiers.flow import ACTION_LABELS, STATUS_LABELS, TRANSITIONS, InvalidTransition, next_status

STATES = [None, *STATUS_LABELS]
ACTIONS = [*ACTION_LABELS, "receive_unrouted"]


@pytest.mark.parametrize("status, action", list(itertools.product(STATES, ACTIONS)))
def test_every_state_and_action_pair_moves_as_listed_or_is_refused_in_vietnamese(status, action):
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition, match="Không thể"):
            next_status(status, action)


@pytest.mark.parametrize("final", ["returned", "withdrawn"])
def test_nothing_moves_a_closed_dossier(final):
    assert not [action for (status, action) in TRANSITIONS if status == final]


def test_a_supplement_returns_the_dossier_to_processing():
    assert next_status("in_progress", "request_supplement") == "supplement_requested"
    assert next_status("supplement_requested", "receive_supplement") == "in_progress"
