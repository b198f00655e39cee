"""Features load in dependency order, and a feature set with a missing dependency is refused by name."""

from __future__ import annotations

import pytest

from bot.db.migrate import feature_packages
from bot.features import FeatureError, Interfaces, declared, load_order

DECLS = {
    "groups": ((), ()),
    "checkins": (("groups",), ()),
    "sharing": (("groups",), ("moderation",)),
    "moderation": (("groups",), ("sharing",)),
    "privacy": ((), ()),
}


def test_dependencies_load_first_and_optional_links_do_not_loop() -> None:
    order = load_order(DECLS, DECLS)
    assert order.index("groups") < order.index("checkins")
    assert order.index("groups") < order.index("sharing")
    assert sorted(order) == sorted(DECLS)


def test_a_missing_dependency_is_named() -> None:
    with pytest.raises(FeatureError, match="'checkins' needs 'groups'"):
        load_order(["checkins"], DECLS)


def test_an_optional_link_to_an_unloaded_feature_is_fine() -> None:
    assert load_order(["groups", "sharing"], DECLS) == ["groups", "sharing"]


def test_a_hard_cycle_is_refused() -> None:
    with pytest.raises(FeatureError, match="cycle"):
        load_order(["a", "b"], {"a": (("b",), ()), "b": (("a",), ())})


def test_shipped_features_declare_a_loadable_order() -> None:
    declarations = {p.removeprefix("cogs."): declared(p) for p in feature_packages()}
    order = load_order(declarations, declarations)
    for name, (needs, _uses) in declarations.items():
        assert all(order.index(n) < order.index(name) for n in needs)


def test_interfaces_are_found_only_while_offered() -> None:
    class Queue:
        pass

    interfaces = Interfaces()
    assert interfaces.get(Queue) is None
    queue = Queue()
    interfaces.offer(Queue, queue)
    assert interfaces.get(Queue) is queue
    with pytest.raises(FeatureError):
        interfaces.offer(Queue, Queue())
    interfaces.withdraw(Queue)
    assert interfaces.get(Queue) is None
    with pytest.raises(FeatureError, match="Queue is not offered"):
        interfaces.require(Queue)
