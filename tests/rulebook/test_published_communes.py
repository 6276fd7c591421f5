"""The engine judging a district on its communes' published classes (IV.1.2, IV.1.4 of 1679/QĐ-UBND), as the
province's results do: the commune list comes from the period's units, each with the class its district
published, or ``None`` when it has no final published result."""

from decimal import Decimal

from parindex.rulebook import PublishedCommune, UnitInput, evaluate, registry


def _district_scores(total: Decimal):
    """District scores whose index is ``total`` (every item at its maximum, then the first items lowered)."""
    cset = registry.find("backan-2021-district")
    scores = {i.code: i.max_points for i in cset.items}
    missing = Decimal(100) - total
    for item in cset.items:
        if missing <= 0:
            break
        cut = min(item.max_points, missing)
        if item.rubric is not None and not item.rubric.accepts(item.max_points - cut):
            continue
        scores[item.code] = item.max_points - cut
        missing -= cut
    assert missing == 0
    return cset, {k: str(v) for k, v in scores.items()}


def _communes(classes):
    return [PublishedCommune(f"x{n}", f"Xã {n}", c) for n, c in enumerate(classes)]


def _one(published, total=Decimal(95)):
    cset, scores = _district_scores(total)
    [result] = evaluate({"district": cset}, [UnitInput("h", "Huyện H", "district", None, scores)],
                        published_communes={"h": published} if published is not None else {})
    return result


def test_at_exactly_two_thirds_the_district_keeps_its_class_IV_1_2():
    result = _one(_communes(["xuat_sac"] * 6 + ["tot"] * 3))
    assert (result.klass, result.communes_reaching, result.communes_total) == ("xuat_sac", 6, 9)
    assert result.rank == 1


def test_just_below_two_thirds_the_district_drops_one_class_IV_1_2():
    result = _one(_communes(["xuat_sac"] * 5 + ["tot"] * 4))
    assert (result.class_by_score, result.klass) == ("xuat_sac", "tot")
    assert result.communes_reaching == 5
    assert result.reasons == ["Hạ một bậc: chỉ 5/9 xã đạt Xuất sắc trở lên (cần ≥ 2/3)"]


def test_one_commune_without_a_published_result_leaves_the_district_unclassified_IV_1_4():
    result = _one(_communes(["xuat_sac"] * 8) + [PublishedCommune("x9", "Xã Chín", None)])
    assert result.klass is None and result.rank is None
    assert result.reasons == ["Không xếp loại, không xếp hạng (mục IV.1.4): chưa đủ kết quả của cấp xã — "
                              "còn thiếu 1/9: Xã Chín"]
    assert result.score.index == Decimal("95.00")


def test_a_district_absent_from_the_published_communes_has_no_commune_result_IV_1_4():
    result = _one(None)
    assert result.klass is None and "không có kết quả cấp xã nào" in result.reasons[0]


def test_published_communes_replace_communes_among_the_units():
    """Given the published list, communes passed as units do not decide the district's class."""
    cset, scores = _district_scores(Decimal(95))
    commune_set = registry.find("backan-2021-commune")
    poor = {i.code: "0" for i in commune_set.items}
    units = [UnitInput("h", "Huyện H", "district", None, scores)] + [
        UnitInput(f"c{n}", f"Xã {n}", "commune", "h", poor) for n in range(3)]
    results = {r.id: r for r in evaluate({"district": cset, "commune": commune_set}, units,
                                         published_communes={"h": _communes(["xuat_sac"] * 3)})}
    assert results["h"].klass == "xuat_sac" and results["h"].communes_reaching == 3
    without = {r.id: r for r in evaluate({"district": cset, "commune": commune_set}, units)}
    assert without["h"].klass == "tot"            # the communes among the units: 0/3 reach Xuất sắc
