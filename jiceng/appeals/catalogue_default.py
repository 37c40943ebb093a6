"""The default dispatch catalogue (派单目录): seeded by migration 0002 and again after a flush (a test's
``TransactionTestCase`` teardown, ``manage.py flush``) finds the catalogue empty. Administrators edit it;
the codes are Open311 service codes."""

# parent code, code, name, unit kind, department kind, keywords
CATALOGUE = [
    (None, "city", "市容环境", "department", "城管", ""),
    ("city", "city.manhole", "井盖破损丢失", "department", "城管", "井盖 窨井 下水道盖 雨水箅子"),
    ("city", "city.garbage", "垃圾清运", "community", "", "垃圾 清运 垃圾桶 堆放 渣土"),
    ("city", "city.stall", "占道经营", "department", "城管", "摆摊 占道 商贩 游商 店外经营"),
    ("city", "city.road", "道路设施", "department", "城管", "路灯 路面 坑洼 护栏 破损"),
    (None, "housing", "房屋物业", "department", "住建", ""),
    ("housing", "housing.property", "物业服务", "community", "", "物业 保洁 门禁 物业费"),
    ("housing", "housing.renovation", "老旧小区改造", "department", "住建", "改造 加装电梯 外墙 屋顶漏水 楼道"),
    ("housing", "housing.heating", "供暖", "department", "住建", "暖气 供暖 不热 采暖"),
    (None, "utility", "水电气", "department", "", ""),
    ("utility", "utility.power", "停电", "department", "供电", "停电 断电 电表 跳闸 电线"),
    ("utility", "utility.water", "停水与水质", "department", "水务", "停水 水压 水质 自来水 跑水"),
    (None, "environment", "生态环境", "department", "环保", ""),
    ("environment", "environment.noise", "噪音扰民", "department", "环保", "噪音 噪声 扰民 施工 夜间"),
    ("environment", "environment.fumes", "油烟异味", "department", "环保", "油烟 异味 烧烤 臭味"),
    (None, "market", "市场监管", "department", "市场监管", ""),
    ("market", "market.food", "食品安全", "department", "市场监管", "食品 过期 变质 餐馆 卫生"),
    ("market", "market.consumer", "消费纠纷", "department", "市场监管", "退费 预付卡 退款 价格 商家"),
    (None, "safety", "平安建设", "department", "公安", ""),
    ("safety", "safety.dispute", "邻里纠纷", "community", "", "纠纷 吵架 邻居 矛盾 调解"),
    ("safety", "safety.order", "治安隐患", "department", "公安", "盗窃 可疑 治安 电动车 飞线充电"),
    ("safety", "safety.parking", "停车秩序", "department", "公安", "停车 消防通道 乱停 堵路"),
    (None, "service", "民生服务", "community", "", ""),
    ("service", "service.elderly", "为老服务", "community", "", "老人 独居 助餐 养老 助浴"),
    ("service", "service.certificate", "证明与事项办理", "street", "", "证明 开具 办理 社保 医保"),
    (None, "enterprise", "企业服务", "street", "", ""),
    ("enterprise", "enterprise.policy", "惠企政策", "street", "", "政策 补贴 营业执照 招工 融资"),
    ("enterprise", "enterprise.tax", "税费服务", "department", "税务", "发票 纳税 申报 退税"),
]

# code, urgency, response hours, completion amount, unit (RULES §7: outages 24 hours; complex cases 15 days)
DEADLINES = [
    ("city.manhole", "urgent", 2, 24, "hours"),
    ("city.manhole", "normal", 2, 3, "days"),
    ("housing.heating", "normal", 2, 24, "hours"),
    ("utility.power", "normal", 2, 24, "hours"),
    ("utility.water", "normal", 2, 24, "hours"),
    ("housing.renovation", "normal", 24, 15, "days"),
    ("enterprise.policy", "normal", 24, 5, "workdays"),
    ("enterprise.tax", "normal", 24, 5, "workdays"),
]


def seed(Category, CategoryDeadline) -> None:
    """Create the default entries that are missing (idempotent), with the given model classes (the
    historical ones in a migration)."""
    made = {}
    for sort, (parent, code, name, unit_kind, department_kind, keywords) in enumerate(CATALOGUE, start=1):
        made[code], _ = Category.objects.get_or_create(code=code, defaults={
            "name": name, "parent": made.get(parent), "unit_kind": unit_kind, "department_kind": department_kind,
            "keywords": keywords, "sort": sort})
    for code, urgency, hours, amount, unit in DEADLINES:
        CategoryDeadline.objects.get_or_create(category=made[code], area_level="", urgency=urgency, defaults={
            "response_hours": hours, "complete_amount": amount, "complete_unit": unit})


def reseed_if_empty(**_kwargs) -> None:
    """post_migrate receiver: an emptied catalogue (after a flush) gets the default entries back."""
    from jiceng.appeals.models import Category, CategoryDeadline

    if not Category.objects.exists():
        seed(Category, CategoryDeadline)
