from accounts.models import Organisation, Region

COUNTY_CODES = {"321002", "321003", "321012", "321023", "321081", "321084"}
ZONE_CODES = {"yz-etdz", "yz-ecocity", "yz-shouxihu"}


def test_nine_county_level_units_and_the_city(db):
    assert set(Region.objects.filter(kind="county").values_list("code", flat=True)) == COUNTY_CODES
    assert set(Region.objects.filter(kind="zone").values_list("code", flat=True)) == ZONE_CODES
    assert Region.objects.get(code="321000").name == "扬州市"
    assert Region.objects.get(code="yz-shouxihu").name == "蜀冈—瘦西湖风景名胜区"


def test_each_unit_has_an_industry_and_a_finance_bureau(db):
    for region in Region.objects.exclude(kind="city"):
        industry = Organisation.objects.get(kind="county_industry", region=region)
        finance = Organisation.objects.get(kind="county_finance", region=region)
        if region.kind == "zone":
            assert industry.name.endswith("经发局")
            assert finance.name.endswith("财政（审）局")
        else:
            assert industry.name.endswith("工信局")
            assert finance.name.endswith("财政局")
    assert Organisation.objects.get(kind="city_industry").name == "扬州市工业和信息化局"
    assert Organisation.objects.get(kind="city_finance").name == "扬州市财政局"
    assert Organisation.objects.filter(kind="expert_pool").count() == 1
