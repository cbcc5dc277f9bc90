from ingest.groups import Groups


def test_groups_are_the_same_whatever_order_the_pairs_come_in() -> None:
    pairs = [("c", "b"), ("x", "y"), ("b", "a"), ("d", "d")]
    results = []
    for order in (pairs, pairs[::-1]):
        g = Groups()
        for a, b in order:
            g.join(a, b)
        results.append(sorted(sorted(members) for members in g.groups()))
        assert g.find("c") == "a" and g.find("y") == "x"  # the root is the smallest member
    assert results[0] == results[1] == [["a", "b", "c"], ["d"], ["x", "y"]]


def test_members_given_up_front_stand_alone_until_joined() -> None:
    g = Groups(["e1", "e2", "e3"])
    g.join("e3", "e2")
    assert sorted(map(sorted, g.groups())) == [["e1"], ["e2", "e3"]]
