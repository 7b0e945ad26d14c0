"""Demo legal publicity: the materials the seed names (the Highway Law, the rules on
over-limit transport vehicles) and others of the harbors' fields, and activities into
transport companies, a driving school, the overload checkpoint, the school and the market.
Idempotent: materials by code, activities by title."""

from datetime import timedelta

from django.utils import timezone

from safeharbor.core.models import Area, Harbor, Unit, User
from safeharbor.publicity import actions
from safeharbor.publicity.models import Activity, Material

MATERIALS = [
    {"code": "highway-law", "title": "中华人民共和国公路法", "kind": "law", "topic": "交通运输", "audience": "drivers",
     "owner": "transport_enforcement",
     "summary": "规范公路的规划、建设、养护、经营、使用和管理，保障公路完好、安全和畅通。",
     "body": "第一条 为了加强公路的建设和管理，促进公路事业的发展，适应社会主义现代化建设和人民生活的需要，制定本法。\n"
             "第五十条 超过公路、公路桥梁、公路隧道或者汽车渡船的限载、限高、限宽、限长标准的车辆，不得在有限定标准的"
             "公路、公路桥梁上或者公路隧道内行驶，不得使用汽车渡船。"},
    {"code": "overload-rules", "title": "超限运输车辆行驶公路管理规定", "kind": "law", "topic": "交通运输",
     "audience": "drivers", "owner": "transport_enforcement",
     "summary": "超限运输车辆的认定标准、大件运输许可、违法超限运输的管理和法律责任。",
     "body": "货车车货总质量超过规定限值的，为超限运输车辆。违法超限运输车辆应当在检测站卸载、分装或者采取其他措施"
             "消除违法状态。"},
    {"code": "enforcement-rights", "title": "交通运输执法告知书：您在执法检查中的权利", "kind": "leaflet",
     "topic": "交通运输", "audience": "drivers", "owner": "transport_enforcement",
     "summary": "执法人员应当出示执法证件、说明理由和依据；您有陈述、申辩和申请行政复议、提起行政诉讼的权利。"},
    {"code": "anti-fraud", "title": "防范电信网络诈骗宣传海报", "kind": "poster", "topic": "反诈", "audience": "public",
     "owner": "police", "summary": "不听、不信、不转账；接到“公检法”电话要求转账的，一律是诈骗。"},
    {"code": "campus-safety", "title": "校园周边安全告家长书", "kind": "leaflet", "topic": "校园安全",
     "audience": "students", "owner": "education",
     "summary": "不乘坐黑出租、不进入黑网吧、不购买无证摊贩食品；护学岗高峰时段请配合交警疏导。"},
    {"code": "consumer-rights", "title": "消费者权益保护法要点", "kind": "booklet", "topic": "消费维权",
     "audience": "merchants", "owner": "market",
     "summary": "经营者不得价格欺诈、虚假宣传；消费纠纷可拨打12315或到商超平安港湾现场调解。"},
]
# title, venue, days ago, place, area, harbor, organizer, audience, size, {material: copies}, with campaign
ACTIVITIES = [
    ("走进客运公司开展“大走访”“大调查”", "company", 40, "乌达区客运公司", "wuda.xinda", None, "transport_enforcement",
     "客运驾驶员、运输从业人员", 46, {"highway-law": 40, "enforcement-rights": 46}, True),
    ("走进货运公司发放问卷和普法材料", "company", 38, "乌达区货运物流园", "wuda.liangjiagou.gongyeyuan",
     "wuda-industrial-park", "transport_enforcement", "货车司机、企业负责人", 63,
     {"highway-law": 30, "overload-rules": 63, "enforcement-rights": 63}, True),
    ("驾校学员交通运输法规宣讲", "company", 33, "乌达区安达驾校", "wuda.wuhushan", None, "transport_enforcement",
     "驾校学员、教练员", 85, {"highway-law": 85}, True),
    ("超限检测站“为民解忧”普法服务", "checkpoint", 20, "G109国道乌达超限检测站", "wuda.wulannaoer",
     "wuda-overload-station", "transport_enforcement", "过往货车司机", 120, {"overload-rules": 120,
                                                                         "enforcement-rights": 80}, True),
    ("平安校园法治课：护学岗与校园周边安全", "school", 25, "乌达区实验中学", "wuda.sandaokan.yucai",
     "wuda-shiyan-school", "education", "学生及家长", 600, {"campus-safety": 600}, False),
    ("商超消费维权普法宣传", "market", 12, "新达购物中心", "wuda.xinda.jianshe", "xinda-shopping-centre", "market",
     "经营商户、消费者", 210, {"consumer-rights": 150, "anti-fraud": 60}, False),
    ("反诈宣传进社区", "community", 6, "永昌佳苑社区党群服务中心", "wuda.xinda.yongchang", "yongchang-mass-orgs",
     "police", "社区居民", 180, {"anti-fraud": 180}, False),
]


def load_demo() -> str:
    actor = User.objects.filter(username="dispatcher").first()
    units = {u.code: u for u in Unit.objects.all()}
    if actor is None or "transport_enforcement" not in units:
        return "skipped: the demo district (units, accounts) is missing."
    created = 0
    for spec in MATERIALS:
        if Material.objects.filter(code=spec["code"]).exists():
            continue
        actions.create_material(actor=actor, title=spec["title"], kind=spec["kind"], topic=spec["topic"],
                                audience=spec["audience"], summary=spec["summary"], body=spec.get("body", ""),
                                owner_unit=units[spec["owner"]], code=spec["code"])
        created += 1
    materials = {m.code: m for m in Material.objects.all()}
    from safeharbor.campaigns.demo import NAME
    from safeharbor.campaigns.models import Campaign

    campaign = Campaign.objects.filter(name=NAME).first()
    today = timezone.localdate()
    for title, venue, ago, place, area, harbor, organizer, audience, size, copies, linked in ACTIVITIES:
        if Activity.objects.filter(title=title).exists():
            continue
        actions.record_activity(
            actor=actor, title=title, venue=venue, held_on=today - timedelta(days=ago), place=place,
            area=Area.objects.get(code=area), organizer=units[organizer], audience=audience, audience_size=size,
            copies={materials[code]: n for code, n in copies.items()},
            harbor=Harbor.objects.filter(code=harbor).first() if harbor else None,
            campaign=campaign if linked else None,
        )
        created += 1
    if not created:
        return "materials and activities are already there; nothing changed."
    return f"{Material.objects.count()} publicity materials, {Activity.objects.count()} activities."
