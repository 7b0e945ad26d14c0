"""The demo district: Wuda District (乌达区), Wuhai, Inner Mongolia.

`load_demo()` builds an installation to try the platform with: the area tree from the
district down to grids and residential compounds (each with a GeoJSON polygon, so maps
can be drawn from the installation's own data), the member units of the default taxonomy
plus 乌达区实验中学, a harbor (港湾) in each of the ten domains, the five mass-organization
ports of the 永昌佳苑 harbor, and one account per role.

It is idempotent: codes and usernames are natural keys, rows that exist are reused as they
are (edits made while trying the demo survive a restart), and passwords are only set when
an account is created. Everything runs in one transaction.

Names, addresses and numbers are invented for the demo (they follow the seed article:
乌达区实验中学 with 58 classes and 2118 students, the 永昌佳苑 community harbor and its
five ports with their rights hotlines).
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from safeharbor.core.errors import ActionError
from safeharbor.core.models import Area, Domain, Harbor, Port, School, Unit, User

DEMO_PASSWORD = "demo-password"

L = Area.Level
R = User.Role

DOMAIN_CODES = (
    "general", "security", "mediation", "social_org", "transport",
    "education", "industry", "commerce", "community", "estate",
)

# --- Areas ---------------------------------------------------------------------------------

# Bounding box of the district: (west, south, east, north) in degrees (WGS 84).
DISTRICT_BBOX = (106.575, 39.42, 106.825, 39.58)
NUMERALS = "一二三四五六七八九"


@dataclass
class AreaSpec:
    slug: str
    name: str
    level: str
    weight: float = 1.0
    children: list["AreaSpec"] = field(default_factory=list)
    grids: int = 0  # number of grids generated under a community or village
    compounds: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # grid number → [(slug, name)]


def _community(slug, name, grids=2, compounds=None, level=L.COMMUNITY, weight=1.0):
    return AreaSpec(slug, name, level, weight=weight, grids=grids, compounds=compounds or {})


# Sub-districts partition the district west → east; communities partition their
# sub-district north → south; grids partition their community west → east.
DISTRICT = AreaSpec("wuda", "乌达区", L.DISTRICT, children=[
    AreaSpec("wulannaoer", "乌兰淖尔镇", L.TOWN, weight=2, children=[
        _community("wulan", "乌兰淖尔村", level=L.VILLAGE),
        _community("saihan", "赛汗村", level=L.VILLAGE),
    ]),
    AreaSpec("wuhushan", "五虎山街道", L.SUBDISTRICT, children=[
        _community("wuhushan", "五虎山社区", compounds={1: [("kuangqu", "五虎山矿区生活区")]}),
        _community("bayinsai", "巴音赛社区"),
    ]),
    AreaSpec("liangjiagou", "梁家沟街道", L.SUBDISTRICT, children=[
        _community("liangjiagou", "梁家沟社区"),
        _community("gongyeyuan", "工业园社区"),
    ]),
    AreaSpec("sandaokan", "三道坎街道", L.SUBDISTRICT, children=[
        _community("sandaokan", "三道坎社区"),
        _community("yucai", "育才社区", compounds={2: [("yucaiyuan", "育才苑小区")]}),
        _community("chaoyang", "朝阳社区"),
    ]),
    AreaSpec("xinda", "新达街道", L.SUBDISTRICT, weight=1.5, children=[
        _community("guangming", "光明社区"),
        _community("yongchang", "永昌佳苑社区", grids=3,
                   compounds={1: [("yczy", "永昌佳苑小区")], 2: [("yczy2", "永昌佳苑二期")]}),
        _community("tuanjie", "团结社区", grids=3, compounds={1: [("tuanjie", "团结小区")]}),
        _community("jianshe", "建设社区", grids=3,
                   compounds={1: [("jianshe", "建设小区")], 2: [("binhe", "滨河花园小区")]}),
    ]),
])


def _split(bbox, weights, axis):
    """Cut bbox into strips with the given relative sizes: axis 0 west→east, 1 north→south."""
    west, south, east, north = bbox
    total = float(sum(weights))
    cuts, acc = [], 0.0
    for w in weights[:-1]:
        acc += w
        cuts.append(acc / total)
    if axis == 0:
        edges = [west] + [west + (east - west) * c for c in cuts] + [east]
        return [(edges[i], south, edges[i + 1], north) for i in range(len(weights))]
    edges = [north] + [north - (north - south) * c for c in cuts] + [south]
    return [(west, edges[i + 1], east, edges[i]) for i in range(len(weights))]


def _inset(bbox, margin=0.2):
    west, south, east, north = bbox
    dx, dy = (east - west) * margin, (north - south) * margin
    return (west + dx, south + dy, east - dx, north - dy)


def _polygon(bbox) -> dict:
    west, south, east, north = (round(v, 6) for v in bbox)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]  # counter-clockwise
    return {"type": "Polygon", "coordinates": [ring]}


def _area_rows() -> list[tuple[str, str | None, str, str, tuple]]:
    """(code, parent code, name, level, bbox) for every demo area, parents first."""
    rows: list[tuple[str, str | None, str, str, tuple]] = []

    def walk(spec: AreaSpec, parent_code: str | None, bbox):
        code = f"{parent_code}.{spec.slug}" if parent_code else spec.slug
        rows.append((code, parent_code, spec.name, spec.level, bbox))
        if spec.children:
            axis = 0 if spec.level == L.DISTRICT else 1
            for child, child_box in zip(spec.children, _split(bbox, [c.weight for c in spec.children], axis),
                                        strict=True):
                walk(child, code, child_box)
        for i, grid_box in enumerate(_split(bbox, [1] * spec.grids, 0) if spec.grids else [], start=1):
            grid_code = f"{code}.g{i}"
            rows.append((grid_code, code, f"{spec.name}第{NUMERALS[i - 1]}网格", L.GRID, grid_box))
            compounds = spec.compounds.get(i, [])
            for (slug, name), box in zip(compounds, _split(_inset(grid_box), [1] * len(compounds), 1), strict=True):
                rows.append((f"{grid_code}.{slug}", grid_code, name, L.COMPOUND, _inset(box, 0.05)))

    walk(DISTRICT, None, DISTRICT_BBOX)
    return rows


AREA_ROWS = _area_rows()
AREA_BOXES = {code: bbox for code, _parent, _name, _level, bbox in AREA_ROWS}


def _ensure_areas() -> int:
    """Create the missing demo areas; returns how many were created."""
    existing = set(Area.objects.filter(code__in=AREA_BOXES).values_list("code", flat=True))
    missing = [row for row in AREA_ROWS if row[0] not in existing]
    # Parents before children, siblings in code order: with node_order_by = ["code"]
    # treebeard then appends every new node after its siblings instead of moving them.
    missing.sort(key=lambda row: (row[0].count("."), row[0]))
    for code, parent_code, name, level, bbox in missing:
        fields = {"code": code, "name": name, "level": level, "geometry": _polygon(bbox)}
        if parent_code is None:
            Area.objects.add_root(fields)
        else:
            # Fetched fresh each time: treebeard caches numchild on the instance.
            Area.objects.add_child(Area.objects.get(code=parent_code), fields)
    return len(missing)


def _point(code: str, fx: float = 0.4, fy: float = 0.6) -> tuple[float, float]:
    """(lat, lon) at a relative position inside the area's box (fx west→east, fy south→north)."""
    west, south, east, north = AREA_BOXES[code]
    return round(south + (north - south) * fy, 6), round(west + (east - west) * fx, 6)


# --- Units and the school -------------------------------------------------------------------

UNIT_PHONES = {
    "zfw": "0473-3112200",
    "police": "0473-3122110",
    "traffic_police": "0473-3122122",
    "urban_enforcement": "0473-3115312",
    "market": "0473-3123315",
    "transport_enforcement": "0473-3116801",
    "education": "0473-3113412",
    "hrss": "0473-3118633",
    "civil_affairs": "0473-3114720",
    "justice": "0473-3112348",
    "emergency": "0473-3119350",
    "environment": "0473-3117369",
    "housing": "0473-3116125",
    "red_cross": "0473-3113120",
    "women": "0473-3112338",
    "youth": "0473-3112355",
    "union": "0473-3112351",
    "disabled": "0473-3115166",
    "community_office": "0473-3128610",
}

SCHOOL_UNIT = "wuda_shiyan_school"
SCHOOL_AREA = "wuda.sandaokan.yucai"
SCHOOL_UNIT_FIELDS = {
    "name_zh": "乌达区实验中学",
    "name_en": "Wuda District Experimental School",
    "kind": Unit.Kind.SCHOOL,
    "phone": "0473-3126018",
    "sort_order": 100,
}
SCHOOL_FIELDS = {
    "address": "乌达区三道坎街道育才路18号",
    "stage": "九年一贯制",
    "class_count": 58,
    "student_count": 2118,
}


def _ensure_units() -> int:
    """Check the taxonomy units, give them office phones (where none is set) and add the school unit."""
    units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_PHONES)}
    missing = sorted(set(UNIT_PHONES) - set(units))
    if missing:
        raise ActionError(
            "The demo needs the member units of the default taxonomy; missing: " + ", ".join(missing)
        )
    for code, unit in units.items():
        if not unit.phone:
            unit.phone = UNIT_PHONES[code]
            unit.save(update_fields=["phone"])
    area = Area.objects.get(code=SCHOOL_AREA)
    unit, unit_created = Unit.objects.get_or_create(code=SCHOOL_UNIT, defaults={**SCHOOL_UNIT_FIELDS, "area": area})
    _school, school_created = School.objects.get_or_create(unit=unit, defaults={**SCHOOL_FIELDS, "area": area})
    return unit_created + school_created


# --- Harbors and ports ------------------------------------------------------------------------

WEEKDAYS = "周一至周五 8:30-12:00, 14:30-18:00"

# code, domain, name, area, host unit, address, opening hours, phone, (place, fx, fy), description
HARBORS = [
    {
        "code": "wuda-command-centre", "domain": "general", "name": "乌达区社会治理综合指挥中心平安港湾",
        "area": "wuda", "host": "zfw", "place": ("wuda.xinda.guangming", 0.5, 0.5),
        "address": "乌达区新达街道光明路12号 区社会治理综合指挥中心一楼",
        "opening_hours": "窗口 " + WEEKDAYS + "；指挥中心24小时值守", "phone": "0473-3112200",
        "description": "综合领域“平安港湾”。为企业职工、经营商户、居民群众提供收集社情民意、化解矛盾纠纷、"
        "强化便民服务、宣传法律法规的前沿阵地；统筹综合、治安防控、人民调解、社会组织、交通、教育、工业、"
        "商超、镇（街道）社区、小区十大领域平安港湾，调度成员单位联动共治，积小安为大安。",
    },
    {
        "code": "xinda-police-station", "domain": "security", "name": "乌达公安分局新达派出所平安港湾",
        "area": "wuda.xinda", "host": "police", "place": ("wuda.xinda.tuanjie", 0.7, 0.3),
        "address": "乌达区新达街道团结路36号", "opening_hours": "全天24小时（报警请拨110）",
        "phone": "0473-3122110",
        "description": "治安防控领域“平安港湾”。受理盗窃、电信网络诈骗、打架斗殴等治安线索，开展反诈宣传和"
        "群防群治巡逻，配合学校落实高峰勤务和“护学岗”，收集社情民意，守护一方平安。",
    },
    {
        "code": "xinda-mediation", "domain": "mediation", "name": "新达街道矛盾纠纷调解平安港湾",
        "area": "wuda.xinda", "host": "justice", "place": ("wuda.xinda.jianshe", 0.25, 0.7),
        "address": "乌达区新达街道建设路21号 新达街道综治中心二楼", "opening_hours": WEEKDAYS,
        "phone": "0473-3112348",
        "description": "人民调解领域“平安港湾”。人民调解员轮流坐班，化解邻里、婚姻家庭、劳动争议等矛盾纠纷，"
        "加强婚姻家庭矛盾纠纷调解，提供法律咨询和法律援助引导，力争小事不出社区、大事不出街道。",
    },
    {
        "code": "sandaokan-social-org", "domain": "social_org", "name": "乌达区社会组织孵化基地平安港湾",
        "area": "wuda.sandaokan.chaoyang", "host": "civil_affairs",
        "address": "乌达区三道坎街道朝阳路8号", "opening_hours": WEEKDAYS, "phone": "0473-3114720",
        "description": "社会组织领域“平安港湾”。孵化培育社区社会组织和志愿服务队伍，引导社会组织参与基层治理，"
        "整合帮扶救助资源，收集社情民意，防范和处置非法社会组织。",
    },
    {
        "code": "wuda-overload-station", "domain": "transport", "name": "乌达超限检测站平安港湾",
        "area": "wuda.wulannaoer", "host": "transport_enforcement", "place": ("wuda.wulannaoer.saihan", 0.3, 0.5),
        "address": "乌达区乌兰淖尔镇G109国道乌达超限检测站", "opening_hours": "全天24小时",
        "phone": "0473-3116801",
        "description": "交通领域“平安港湾”。受理黑出租、非法营运、货车超限超载线索和交通运输执法投诉；"
        "以无记名问卷“大走访”“大调查”收集司乘人员、运输从业人员意见，发放公路法、超限运输车辆行驶公路"
        "管理规定等宣传材料；为途经司机排忧解难，路遇故障车辆帮助联系救援维修。",
    },
    {
        "code": "wuda-shiyan-school", "domain": "education", "name": "乌达区实验中学平安港湾",
        "area": SCHOOL_AREA, "host": SCHOOL_UNIT, "school": True, "place": (SCHOOL_AREA, 0.3, 0.35),
        "address": SCHOOL_FIELDS["address"], "opening_hours": "周一至周五 7:30-18:30（在校时间）",
        "phone": "0473-3126018",
        "description": "教育领域“平安港湾”创建试点。公办九年一贯制学校，教学班58个、学生2118人。建立学校安全"
        "联席会议、校园环境周边整治联席会议、学校安全工作督查督办等制度；学生发展与指导中心开设7个专业功能室，"
        "配备专职心理教师，班班有心理委员、周周有心理课、年年办心理健康节；联合公安交警、综合执法、市场监管"
        "整治校园周边黑网吧、黑出租、无证摊贩，落实交警高峰勤务和家长“护学岗”。",
    },
    {
        "code": "wuda-industrial-park", "domain": "industry", "name": "乌达工业园区平安港湾",
        "area": "wuda.liangjiagou.gongyeyuan", "host": "emergency", "place": ("wuda.liangjiagou.gongyeyuan", 0.5, 0.4),
        "address": "乌达区梁家沟街道乌达工业园区园区大道6号 园区服务中心", "opening_hours": WEEKDAYS,
        "phone": "0473-3119350",
        "description": "工业领域“平安港湾”。面向园区企业职工，排查企业安全生产隐患，受理废气、粉尘、异味等"
        "工业污染反映，化解劳资纠纷，开展安全生产法律法规宣传，收集企业和职工诉求。",
    },
    {
        "code": "xinda-shopping-centre", "domain": "commerce", "name": "新达购物中心平安港湾",
        "area": "wuda.xinda.jianshe", "host": "market", "place": ("wuda.xinda.jianshe", 0.75, 0.3),
        "address": "乌达区新达街道人民路与建设路交汇处 新达购物中心一楼服务台",
        "opening_hours": "每天 9:30-21:30", "phone": "0473-3123315",
        "description": "商超领域“平安港湾”。面向经营商户和消费者，受理食品安全、过期变质食品、价格欺诈、"
        "虚假宣传等消费投诉，现场调解消费纠纷，宣传市场监管法律法规。",
    },
    {
        "code": "yongchang-mass-orgs", "domain": "community", "name": "永昌佳苑社区群团组织平安港湾",
        "area": "wuda.xinda.yongchang", "host": "community_office", "place": ("wuda.xinda.yongchang", 0.2, 0.45),
        "address": "乌达区新达街道永昌路9号 永昌佳苑社区党群服务中心", "opening_hours": WEEKDAYS,
        "phone": "0473-3128610",
        "description": "镇（街道）社区领域“平安港湾”创建试点，2022年7月成立的群团组织平安港湾。红十字会、妇联、"
        "团委、总工会、残联以“港”之名联动共治，实行信息互动、业务协同、数据共享，设立青年维权、职工维权、"
        "妇女维权专线，轮值开展学习培训、就业指导、技能辅导。平安成绩单：办理就业困难认定40人，安置下岗失业"
        "人员5名，开展技能培训等活动16次。",
    },
    {
        "code": "binhe-garden", "domain": "estate", "name": "滨河花园小区平安港湾",
        "area": "wuda.xinda.jianshe.g2.binhe", "host": "housing", "place": ("wuda.xinda.jianshe.g2.binhe", 0.5, 0.5),
        "address": "乌达区新达街道滨河路66号 滨河花园小区物业服务中心", "opening_hours": "每天 8:00-20:00",
        "phone": "0473-3137766",
        "description": "小区领域“平安港湾”。社区、物业、业主委员会共同值守，受理物业服务、供暖、下水道、电梯等"
        "设施维修和环境卫生问题，劝阻违章搭建，网格员上门走访，把邻里矛盾化解在楼栋。",
    },
    {
        "code": "wulannaoer-town", "domain": "community", "name": "乌兰淖尔镇平安港湾",
        "area": "wuda.wulannaoer", "host": "community_office", "place": ("wuda.wulannaoer.wulan", 0.6, 0.4),
        "address": "乌达区乌兰淖尔镇乌兰淖尔村便民服务中心", "opening_hours": WEEKDAYS, "phone": "0473-3151120",
        "description": "镇（街道）社区领域“平安港湾”。为农牧民和外来务工人员提供收集社情民意、化解矛盾纠纷、"
        "就业和救助等便民服务、宣传法律法规的服务点。",
    },
]

COMMUNITY_HARBOR = "yongchang-mass-orgs"
SCHOOL_HARBOR = "wuda-shiyan-school"

PORTS = [
    {
        "kind": Port.Kind.FRATERNITY, "name": "博爱港", "owner": "red_cross",
        "hotline_name": "博爱港应急救护咨询热线", "hotline_number": "0473-3113120",
        "description": "引领互助友爱。乌达区红十字会将核心业务和志愿服务融入基层治理中，开展应急救护培训，"
        "最大限度地提高群众的自救互救能力和生命健康及安全防范意识。",
    },
    {
        "kind": Port.Kind.HEROINES, "name": "巾帼港", "owner": "women",
        "hotline_name": "妇女维权专线", "hotline_number": "12338",
        "description": "维护妇女权益。乌达区妇联以平安家庭创建为抓手，做好关爱妇女儿童工作，加强婚姻家庭矛盾"
        "纠纷调解，提供政策咨询、技能培训、岗位信息服务。",
    },
    {
        "kind": Port.Kind.YOUTH, "name": "青年港", "owner": "youth",
        "hotline_name": "青年维权专线", "hotline_number": "12355",
        "description": "倡导志愿服务。乌达区团委以“线上+线下”“走访+座谈”的形式，常态化开展主题青年交流活动，"
        "活动覆盖学校、企业等不同领域青少年，引领青少年提高基层治理参与意识。",
    },
    {
        "kind": Port.Kind.VANGUARD, "name": "先锋港", "owner": "union",
        "hotline_name": "职工维权专线", "hotline_number": "12351",
        "description": "汇聚职工力量。乌达区总工会加大职工之家等阵地建设，开展职工维权法律服务，深化对困难职工的"
        "帮扶工作，提供零门槛零收费零距离的便捷式维权服务。",
    },
    {
        "kind": Port.Kind.WARM, "name": "温馨港", "owner": "disabled",
        "hotline_name": "残疾人服务热线", "hotline_number": "0473-3115166",
        "description": "寻求创业指导。乌达区残联丰富活动载体，加强资源调配，为残疾人撑起一把“安全伞”；"
        "设有手工编织培训实训基地，帮助残疾人提升职业技能、就业创业。",
    },
]


def _ensure_harbors() -> int:
    domains = {d.code: d for d in Domain.objects.filter(code__in=DOMAIN_CODES)}
    missing = sorted(set(DOMAIN_CODES) - set(domains))
    if missing:
        raise ActionError("The demo needs the ten domains of the default taxonomy; missing: " + ", ".join(missing))
    units = {u.code: u for u in Unit.objects.filter(code__in=[*UNIT_PHONES, SCHOOL_UNIT])}
    areas = {a.code: a for a in Area.objects.filter(code__in={h["area"] for h in HARBORS})}
    school = School.objects.get(unit__code=SCHOOL_UNIT)
    created = 0
    for spec in HARBORS:
        place, fx, fy = spec.get("place", (spec["area"], 0.4, 0.6))
        lat, lon = _point(place, fx, fy)
        _harbor, was_created = Harbor.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"], "domain": domains[spec["domain"]], "area": areas[spec["area"]],
                "host_unit": units[spec["host"]], "school": school if spec.get("school") else None,
                "address": spec["address"], "opening_hours": spec["opening_hours"], "phone": spec["phone"],
                "description": spec["description"], "lat": lat, "lon": lon,
            },
        )
        created += was_created
    harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    for spec in PORTS:
        _port, was_created = Port.objects.get_or_create(
            harbor=harbor, kind=spec["kind"],
            defaults={
                "name": spec["name"], "owner_unit": units[spec["owner"]], "description": spec["description"],
                "hotline_name": spec["hotline_name"], "hotline_number": spec["hotline_number"],
            },
        )
        created += was_created
    return created


# --- Users -----------------------------------------------------------------------------------

# username, role, full name, scope (zh, for the account list), and what the scope is made of.
MAIN_ACCOUNTS = [
    {"username": "admin", "role": R.ADMIN, "full_name": "赵立新", "scope": "全部配置；个人信息经审计查看",
     "superuser": True},
    {"username": "dispatcher", "role": R.DISPATCHER, "full_name": "李海燕", "scope": "乌达区全区（综治中心调度）",
     "areas": ["wuda"], "unit": "zfw"},
    {"username": "leader", "role": R.LEADER, "full_name": "张志刚", "scope": "乌达区全区（只读、督办）",
     "areas": ["wuda"]},
    {"username": "unit_handler", "role": R.UNIT_HANDLER, "full_name": "刘东升", "scope": "公安分局承办的事项",
     "unit": "police"},
    {"username": "grid_worker", "role": R.GRID_WORKER, "full_name": "马丽娟", "scope": "永昌佳苑社区第一网格",
     "areas": ["wuda.xinda.yongchang.g1"]},
    {"username": "harbor_staff", "role": R.HARBOR_STAFF, "full_name": "杨晓红",
     "scope": "永昌佳苑社区群团组织平安港湾", "areas": ["wuda.xinda.yongchang"], "harbor": COMMUNITY_HARBOR},
    {"username": "mediator", "role": R.MEDIATOR, "full_name": "郝永平", "scope": "新达街道人民调解",
     "areas": ["wuda.xinda"], "unit": "justice"},
    {"username": "school_safety", "role": R.SCHOOL_SAFETY, "full_name": "王振华", "scope": "乌达区实验中学（校园安全）",
     "unit": SCHOOL_UNIT, "school": True},
    {"username": "psych_teacher", "role": R.PSYCH_TEACHER, "full_name": "苏婷", "scope": "乌达区实验中学（心理健康）",
     "unit": SCHOOL_UNIT, "school": True},
    {"username": "port_staff", "role": R.PORT_STAFF, "full_name": "白雪梅", "scope": "巾帼港（妇联）",
     "unit": "women", "port": Port.Kind.HEROINES},
]
EXTRA_DISPATCHER = {
    "username": "dispatcher_xinda", "role": R.DISPATCHER, "full_name": "田宇", "scope": "新达街道（街道综治中心调度）",
    "areas": ["wuda.xinda"],
}
# One handler per member unit other than the police (which has `unit_handler`).
HANDLER_UNITS = [code for code in UNIT_PHONES if code != "police"]
HANDLER_NAMES = [
    "陈建平", "孙红梅", "周海军", "吴晓东", "郑丽萍", "冯志强", "褚玉兰", "卫国庆", "蒋春燕", "沈伟",
    "韩秀英", "朱建华", "秦丽华", "尤志明", "许文静", "何永军", "吕晓燕", "施长青",
]


def _handler_account(index: int, unit_code: str) -> dict:
    return {"username": f"h_{unit_code}", "role": R.UNIT_HANDLER, "full_name": HANDLER_NAMES[index],
            "unit": unit_code}


def _all_accounts() -> list[dict]:
    return [*MAIN_ACCOUNTS, EXTRA_DISPATCHER,
            *(_handler_account(i, code) for i, code in enumerate(HANDLER_UNITS))]


def _id_number(serial: int) -> str:
    """A fake but well-formed resident ID number of 乌达区 (150304), with its check digit."""
    body = f"150304{1965 + serial % 30}{serial % 12 + 1:02d}{serial % 27 + 1:02d}{100 + serial * 7 % 900:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _ensure_users() -> int:
    accounts = _all_accounts()
    existing = set(User.objects.filter(username__in=[a["username"] for a in accounts]).values_list("username", flat=True))
    todo = [(i, a) for i, a in enumerate(accounts) if a["username"] not in existing]
    if not todo:
        return 0
    units = {u.code: u for u in Unit.objects.filter(code__in=[*UNIT_PHONES, SCHOOL_UNIT])}
    areas = {a.code: a for a in Area.objects.filter(code__in={c for a in accounts for c in a.get("areas", [])})}
    harbor = Harbor.objects.get(code=COMMUNITY_HARBOR)
    school = School.objects.get(unit__code=SCHOOL_UNIT)
    ports = {p.kind: p for p in harbor.ports.all()}
    # One Argon2 hash for all the demo accounts (each hash takes ~0.1 s); they share the
    # published demo password anyway.
    password = make_password(DEMO_PASSWORD)
    for i, spec in todo:
        user = User(
            username=spec["username"], full_name=spec["full_name"], role=spec["role"], password=password,
            is_superuser=spec.get("superuser", False), is_staff=spec.get("superuser", False),
            unit=units[spec["unit"]] if spec.get("unit") else None,
            harbor=harbor if spec.get("harbor") else None,
            port=ports[spec["port"]] if spec.get("port") else None,
            school=school if spec.get("school") else None,
            phone=f"1390473{1001 + i * 37:04d}", id_number=_id_number(i + 1),
        )
        user.save()
        if spec.get("areas"):
            user.areas.set([areas[c] for c in spec["areas"]])
    return len(todo)


# --- Module demo data ---------------------------------------------------------------------------
# Each module app registers a loader in its AppConfig.ready(); `safeharbor demo` runs them in
# order after the district, the matter history and the classifier exist. A loader must be
# idempotent (a second `safeharbor demo` changes nothing) and returns one line for the console.

MODULE_LOADERS: dict[str, tuple[int, object]] = {}


def register_loader(name: str, loader, order: int = 50) -> None:
    MODULE_LOADERS[name] = (order, loader)


def run_module_loaders(stdout=None) -> list[str]:
    lines = []
    for name, (_order, loader) in sorted(MODULE_LOADERS.items(), key=lambda item: (item[1][0], item[0])):
        with transaction.atomic():
            line = loader()
        if line:
            lines.append(f"{name}: {line}")
            if stdout is not None:
                stdout.write(f"{name}: {line}\n")
    return lines


# --- Entry points ------------------------------------------------------------------------------


def load_demo(stdout=None) -> str:
    """Create (or reuse) the demo district; returns a short summary of what exists."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        created = 0
        if not Domain.objects.exists():
            from safeharbor.core.actions import load_taxonomy

            counts = load_taxonomy()
            say("Loaded the default taxonomy: {domains} domains, {units} units, {categories} categories.".format(
                **counts))
            created += sum(counts.values())
        created += _ensure_areas()
        created += _ensure_units()
        created += _ensure_harbors()
        created += _ensure_users()

        root = Area.objects.get(code=DISTRICT.slug)
        levels = dict.fromkeys(L.values, 0)
        for level in Area.subtree_of(root).values_list("level", flat=True):
            levels[level] += 1
        harbors = Harbor.objects.filter(area__path__startswith=root.path)
        accounts = User.objects.filter(username__in=[a["username"] for a in _all_accounts()]).count()
        summary = (
            f"Demo district {root.name}: {levels[L.SUBDISTRICT] + levels[L.TOWN]} sub-districts/towns, "
            f"{levels[L.COMMUNITY] + levels[L.VILLAGE]} communities/villages, {levels[L.GRID]} grids, "
            f"{levels[L.COMPOUND]} residential compounds; {Unit.objects.count()} units, "
            f"{School.objects.count()} school(s); {harbors.count()} harbors in "
            f"{harbors.values('domain').distinct().count()} domains, "
            f"{Port.objects.filter(harbor__in=harbors).count()} ports; {accounts} demo accounts.\n"
            + (f"Created {created} new records." if created else "Everything was already there; nothing changed.")
        )
    return summary


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role label, scope in Chinese) of the demo accounts, main roles first."""
    names = dict(Unit.objects.filter(code__in=HANDLER_UNITS).values_list("code", "name_zh"))
    rows = []
    for spec in [*MAIN_ACCOUNTS, EXTRA_DISPATCHER]:
        rows.append((spec["username"], str(R(spec["role"]).label), spec["scope"]))
    for code in HANDLER_UNITS:
        rows.append((f"h_{code}", str(R.UNIT_HANDLER.label), f"{names.get(code, code)}承办的事项"))
    return rows
