"""A realistic history for the demo district: a few thousand matters over six months.

`load_demo_history()` writes what half a year of work in 乌达区 leaves behind: matters
from every channel, in every category of the default taxonomy, at every stage of their
life, each with the MatterEvent trail, follow-ups, extensions, supervision orders and
escalations the actions and the deadline sweep would have written; meetings whose
decisions are matters; commendations. It runs once (a second call finds the history and
does nothing) and fast: every row is built in memory and written with bulk_create.

The history is *simulated*, not decorated: each matter is played forward from the moment
it came in, step by step, with the same rules as `safeharbor.matters.actions` (deadlines
from `deadlines.limits_for`/`add_limit` on the working-day calendar, `warn_time`,
accept_late/resolve_late by comparison, the sweep's warn → overdue → supervision →
escalation markers), and stops at "now". Older matters are therefore closed, recent ones
are still open, and a matter is overdue exactly when its running deadline has passed.

`generate_history()` is the engine without the once-only check; bench/matters.py uses it
to write hundreds of thousands of matters.

Names, phone numbers, firms and addresses are invented.
"""

import bisect
import functools
import heapq
import itertools
import random
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from safeharbor.core.crypto import blind_index
from safeharbor.core.demo import AREA_BOXES, COMMUNITY_HARBOR, SCHOOL_AREA, SCHOOL_HARBOR, SCHOOL_UNIT
from safeharbor.core.models import Area, Category, Harbor, Unit, User
from safeharbor.lib import codes, workdays
from safeharbor.matters import deadlines
from safeharbor.matters.models import (
    Commendation,
    Decision,
    Extension,
    FollowUp,
    LimitUnit,
    Matter,
    MatterEvent,
    Meeting,
    Supervision,
    Urgency,
)

S = Matter.Status
A = MatterEvent.Action
SRC = Matter.Source
SAT = Matter.Satisfaction

# The created event of every generated matter carries this in its data: how a second run
# knows the history is already there.
DEMO_MARK = "history"
HISTORY_DAYS = 180
FAST = (Urgency.URGENT, Urgency.UTILITY)
OPEN = set(Matter.OPEN_STATUSES)

# --- Places ----------------------------------------------------------------------------------
# Per community: weight (how many matters come from there), roads, residential compounds
# (name, area below the community: a compound area, a grid, or None for any grid), spots.

PLACES = {
    "wuda.xinda.yongchang": {
        "weight": 10, "roads": ["永昌路", "建设路", "团结路", "新达北街"],
        "compounds": [("永昌佳苑小区", "g1.yczy"), ("永昌佳苑二期", "g2.yczy2"), ("幸福里小区", "g3")],
        "spots": ["永昌佳苑社区党群服务中心", "永昌路公交站", "永昌佳苑南门菜店"],
    },
    "wuda.xinda.tuanjie": {
        "weight": 9, "roads": ["团结路", "建设路", "人民路", "新达北街"],
        "compounds": [("团结小区", "g1.tuanjie"), ("新华苑小区", "g2"), ("供电小区", "g3")],
        "spots": ["团结路农贸市场", "新达派出所", "团结广场"],
    },
    "wuda.xinda.jianshe": {
        "weight": 9, "roads": ["建设路", "人民路", "滨河路", "新达南街"],
        "compounds": [("建设小区", "g1.jianshe"), ("滨河花园小区", "g2.binhe"), ("锦绣家园", "g3")],
        "spots": ["新达购物中心", "滨河公园", "建设路夜市"],
    },
    "wuda.xinda.guangming": {
        "weight": 7, "roads": ["光明路", "人民路", "滨河路", "乌达大街"],
        "compounds": [("光明小区", None), ("金海湾小区", None), ("电业局家属院", None)],
        "spots": ["光明广场", "区社会治理综合指挥中心", "光明路农贸市场"],
    },
    "wuda.sandaokan.sandaokan": {
        "weight": 6, "roads": ["三道坎路", "新华街", "朝阳路", "站前路"],
        "compounds": [("三道坎小区", None), ("铁路小区", None), ("站前小区", None)],
        "spots": ["乌达火车站广场", "三道坎菜市场", "站前路汽车站"],
    },
    "wuda.sandaokan.yucai": {
        "weight": 6, "roads": ["育才路", "文化路", "新华街"],
        "compounds": [("育才苑小区", "g2.yucaiyuan"), ("教师公寓", "g1"), ("文化路小区", "g1")],
        "spots": ["乌达区实验中学南门", "育才路小吃街", "文化路口"],
        "schools": ["乌达区实验中学"],
    },
    "wuda.sandaokan.chaoyang": {
        "weight": 5, "roads": ["朝阳路", "光明路", "乌达大街"],
        "compounds": [("朝阳小区", None), ("民生家园", None)],
        "spots": ["朝阳广场", "社会组织孵化基地", "朝阳路早市"],
        "schools": ["朝阳小学"],
    },
    "wuda.wuhushan.wuhushan": {
        "weight": 4, "roads": ["五虎山路", "矿区街", "苏海图路"],
        "compounds": [("五虎山矿区生活区", "g1.kuangqu"), ("矿工新村", "g2")],
        "spots": ["五虎山矿区医院", "矿区菜市场", "矿区俱乐部"],
        "schools": ["五虎山学校"],
    },
    "wuda.wuhushan.bayinsai": {
        "weight": 3, "roads": ["巴音赛路", "苏海图路", "乌达大街"],
        "compounds": [("巴音赛小区", None), ("金叶小区", None)],
        "spots": ["巴音赛农贸市场", "巴音赛公园"],
    },
    "wuda.liangjiagou.liangjiagou": {
        "weight": 4, "roads": ["梁家沟路", "平安街", "乌达大街"],
        "compounds": [("梁家沟小区", None), ("康乐苑", None)],
        "spots": ["梁家沟菜市场", "梁家沟卫生服务站"],
    },
    "wuda.liangjiagou.gongyeyuan": {
        "weight": 3, "roads": ["园区大道", "经三路", "纬二路"],
        "compounds": [("工业园区职工公寓", None), ("园区宿舍楼", None)],
        "spots": ["乌达工业园区服务中心", "园区东门", "园区物流场"],
    },
    "wuda.wulannaoer.wulan": {
        "weight": 2.5, "roads": ["G109国道", "乌兰淖尔大街", "村委会前路"],
        "compounds": [("乌兰淖尔村一组", None), ("乌兰淖尔村三组", None), ("移民新村", None)],
        "spots": ["乌兰淖尔镇便民服务中心", "镇卫生院", "村口加油站"],
    },
    "wuda.wulannaoer.saihan": {
        "weight": 2, "roads": ["G109国道", "赛汗路", "黄河东岸防洪堤路"],
        "compounds": [("赛汗村二组", None), ("赛汗新村", None)],
        "spots": ["乌达超限检测站", "赛汗葡萄园", "物流园停车场"],
    },
}
WHERE = {  # where matters of a kind of place come from: community → weight
    "industry": {"wuda.liangjiagou.gongyeyuan": 6, "wuda.liangjiagou.liangjiagou": 2, "wuda.wuhushan.wuhushan": 2,
                 "wuda.wulannaoer.wulan": 1, "wuda.wulannaoer.saihan": 1},
    "highway": {"wuda.wulannaoer.saihan": 3, "wuda.wulannaoer.wulan": 3, "wuda.liangjiagou.gongyeyuan": 2,
                "wuda.sandaokan.sandaokan": 1},
    "school": {"wuda.sandaokan.yucai": 8, "wuda.sandaokan.chaoyang": 1, "wuda.wuhushan.wuhushan": 1},
}
FIRMS = ["金泰焦化厂", "华蒙硅铁公司", "宏达洗煤厂", "恒盛电石厂", "泰和化工公司", "鑫源建材厂", "东方碳素厂",
         "兴业物流公司", "顺达汽修厂"]
SHOPS = ["小区门口的便利店", "惠民生鲜超市", "新达购物中心一楼超市", "一家水果店", "菜市场里的熟食摊"]

# --- What people write, per category --------------------------------------------------------
# r: residents' own words (web form, QR code), first person. A tuple adds the urgency the
#    dispatcher gives it and "winter" for the heating season.
# o: (title, fact) as staff record it (hotline, patrol, walk-in), third person; the fact
#    is wrapped per channel ("来电人反映：…。诉求：…。").
# where: any | industry | highway | school — which communities it comes from.
# patrol: whether grid workers find it on their rounds.
# co: (unit, probability) of a co-unit at dispatch; complex: share of complex matters.

TEXTS = {
    "security.theft": dict(
        weight=4, patrol=False, demand=["请公安机关尽快调查处理", "希望加强夜间巡逻"],
        notes=["已调取周边监控，正在排查", "民警已到现场勘查并制作笔录"],
        topics=[
            dict(r=["我的电动车昨晚停在{compound}{bld}楼下，今天早上起来就没了，车锁都被撬了",
                    "小区里好几家的电瓶车电瓶被偷，晚上根本不敢把车放楼下"],
                 o=[("{compound}电动车被盗", "其停放在{compound}{bld}楼下的电动自行车被盗，车锁被破坏")],
                 results=["经调查，已抓获嫌疑人一名，被盗电动车已发还失主",
                          "已立案侦查，同时在小区加装监控两处，加强夜间巡逻防控"]),
            dict(r=["{spot}附近最近老丢东西，我的手机在买菜的时候被人偷了"],
                 o=[("{spot}附近手机被扒", "{spot}周边近期多次发生扒窃手机案件，群众反映强烈")],
                 results=["已对报案人制作笔录并立案，在{spot}周边增派便衣民警，后续进展由民警电话告知"]),
            dict(r=["{compound}地下室储藏间被人撬了，丢了两箱酒和一些工具，物业说监控坏了",
                    "放在{road}路边三轮车上的电缆被人偷剪了，损失好几千"],
                 o=[("{compound}储藏室被撬", "{compound}多户居民地下储藏室被撬，物品被盗")],
                 results=["已立案侦查，督促物业修复监控并加装照明，加强夜间巡逻防控"]),
        ]),
    "security.fraud": dict(
        weight=2.5, patrol=False, demand=["请公安机关立案调查", "请加强反诈宣传，提醒小区老人注意"],
        notes=["已将线索移交反诈中心研判"],
        topics=[
            dict(r=["我妈接到一个自称公安局的电话，说她涉嫌洗钱，让她把钱转到安全账户，幸亏被我发现了，这种骗子能不能管管",
                    "有人冒充{compound}物业发短信让交“燃气安全检测费”，还附了个链接，好多邻居都收到了"],
                 o=[("冒充公检法诈骗电话", "其父亲接到冒充公检法人员电话，被要求转账至“安全账户”，未造成损失")],
                 notes=["社区民警已进小区开展反诈宣传"],
                 results=["已将诈骗号码报送反诈中心封停，社区民警已进小区开展反诈宣传，提醒老人不接陌生来电、不转账"]),
            dict(r=["我在网上刷单被骗了{money}，对方一开始给返钱，后来让我连续做任务，现在联系不上了"],
                 o=[("网络刷单被骗", "其通过网络兼职刷单被骗{money}，对方已失联")],
                 notes=["已联系报案人到派出所制作笔录"],
                 results=["已受理立案，涉案账户已紧急止付，后续进展由民警电话告知"]),
            dict(r=["{spot}附近有人租门店搞保健品讲座，天天送鸡蛋，老人们都被忽悠着买几千块的产品"],
                 o=[("{spot}疑似保健品诈骗", "{spot}附近有人以免费讲座、赠送礼品为名向老年人高价推销保健品，疑似诈骗")],
                 results=["经核查，该场所涉嫌以虚假宣传骗取老年人钱财，已依法查处，并联合社区开展反诈宣传"]),
        ]),
    "security.disorder": dict(
        weight=2.5, patrol=True, demand=["请公安机关出警处置", "请加强夜间巡逻"], notes=["民警已出警到达现场"],
        topics=[
            dict(r=[("{spot}门口有人喝多了打架，都见血了，快来人！", "urgent"),
                    ("{compound}{bld}楼下有人拿着刀吵架，情绪很激动，赶紧来人", "urgent")],
                 o=[("{spot}发生打架斗殴", "{spot}附近有多人打架斗殴，有人受伤", "urgent")],
                 results=["民警到场后已将双方带至派出所处理，伤者已送医，依法给予行政处罚"]),
            dict(r=["{road}上那家烧烤店每天半夜都有人喝酒划拳、砸啤酒瓶，吵得整栋楼睡不着"],
                 o=[("{road}烧烤店夜间醉酒滋事", "{road}一烧烤店夜间经常有人醉酒喧哗、摔酒瓶，影响周边居民休息")],
                 notes=["已约谈烧烤店经营者"],
                 results=["已对涉事烧烤店经营者进行警告，责令23点后停止露天经营，并加强夜间巡逻"]),
            dict(r=["{compound}门口经常有几个社会青年聚集，骑摩托车来回飙车，还冲路人吹口哨"],
                 o=[("{compound}门口青年聚集滋事", "{compound}门口夜间有闲散青年聚集、驾驶摩托车追逐竞驶，存在安全隐患")],
                 notes=["已对涉事人员进行批评教育"],
                 results=["已加强该路段夜间巡逻，对飙车人员进行教育并依法处罚"]),
        ]),
    "security.vice": dict(
        weight=0.8, patrol=False, demand=["请公安机关查处", "请注意为举报人保密"], notes=["线索已移交治安大队"],
        topics=[
            dict(r=["{compound}{bld}有一户天天人来人往，晚上还有麻将声，听说是在聚众赌博"],
                 o=[("{compound}疑似聚众赌博", "{compound}{bld}一住户家中长期有人聚集赌博")],
                 notes=["已安排便衣民警摸排"],
                 results=["经查，该户存在赌博行为，已依法查处，收缴赌资",
                          "经民警走访核查，暂未发现违法行为，已纳入重点关注"]),
            dict(r=["{road}上有家足疗店晚上门口总有人拉客，看着就不正规，影响很不好"],
                 o=[("{road}足疗店疑似涉黄", "{road}一足疗店疑似存在色情服务")],
                 results=["已对该店开展突击检查，依法责令停业整顿"]),
            dict(r=["我怀疑楼上那户有人吸毒，楼道里老有一股怪味，还发现过针头"],
                 o=[("疑似吸毒线索", "其所住楼栋楼道内有异味并发现注射针头，怀疑楼上住户吸毒")],
                 notes=["已会同社区对该户开展走访"],
                 results=["经查，该户一人涉嫌吸毒，已依法处置并纳入社区戒毒管理"]),
        ]),
    "dispute.neighbor": dict(
        weight=7, patrol=True, demand=["请人民调解员介入调解", "希望社区出面协调"],
        notes=["调解员已分别电话联系双方当事人", "已约双方到社区调解室面谈"],
        co=("community_office", 0.25),
        topics=[
            dict(r=["楼上卫生间漏水，我家天花板都泡了，找了好几次没人管",
                    "楼上空调外机装在我家窗户正上方，滴水滴到我家窗台上，协商不成"],
                 o=[("{compound}楼上漏水纠纷",
                     "其家住{compound}{bld}{room}，楼上住户卫生间长期渗漏，导致其家天花板、墙面受损，多次协商未果")],
                 notes=["已上门查看漏水情况并拍照取证", "已联系物业检查楼上防水"],
                 results=["经调解，双方达成协议：楼上住户负责维修卫生间防水并赔偿楼下损失{money2}",
                          "经调解，楼上住户已请人重做防水，并承担楼下墙面修复费用"]),
            dict(r=["{compound}{bld}楼上邻居天天半夜拖椅子、跳绳，咚咚咚的，老人根本睡不着，上去说了好几回也不听"],
                 o=[("{compound}邻里噪音纠纷", "{compound}{bld}居民反映楼上住户夜间噪音扰民，双方多次发生口角")],
                 results=["经调解员多次上门做工作，楼上住户承诺夜间十点后不再发出噪音，双方握手言和"]),
            dict(r=["对门把鞋柜、杂物都堆在楼道里，还在门口放了个大冰柜，消防通道都堵了，说了也不挪",
                    "楼下邻居在小区绿地上私自种菜还浇粪，味道太大了，夏天根本没法开窗"],
                 o=[("{compound}楼道堆物纠纷", "{compound}{bld}楼道内堆放大量杂物，相邻住户因此发生矛盾")],
                 results=["楼道杂物已清理，双方达成口头协议，今后互相体谅"]),
            dict(r=["隔壁养了两条大狗，天天叫，还不拴绳，我家孩子被吓哭好几次了"],
                 o=[("{compound}养犬纠纷", "{compound}一住户养犬不拴绳、夜间犬吠扰民，邻里多次发生争执")],
                 results=["经调解，养狗住户承诺外出牵绳并加装隔音门，双方签订调解协议"]),
        ]),
    "dispute.family": dict(
        weight=2, patrol=False, complex=0.15, demand=["请人民调解委员会调解", "请提供法律帮助"],
        notes=["已向当事人释明相关法律规定"], co=("women", 0.3),
        topics=[
            dict(r=["我们兄妹四个，现在老母亲谁来养争得不可开交，老人家天天哭，想请社区帮忙调解"],
                 o=[("赡养老人纠纷", "其母亲年近八旬，子女之间因赡养问题产生纠纷，老人生活无人照料")],
                 notes=["调解员已联系兄妹几人，约定周末到社区调解室面谈"],
                 results=["经调解，兄妹四人达成赡养协议，按月轮流照顾老人并分摊医疗费用"]),
            dict(r=["我和前夫离婚后孩子跟我，他已经半年没给抚养费了，打电话也不接"],
                 o=[("抚养费纠纷", "其与前夫离婚后，对方拒不支付子女抚养费")],
                 results=["已引导当事人申请法律援助，通过诉讼途径主张抚养费"]),
            dict(r=["父亲去世后留下一套房子，几个兄弟为了分房子闹翻了，想找人调解一下，别打官司"],
                 o=[("继承纠纷", "其父亲去世后遗留房产一套，兄弟姐妹之间因继承问题产生矛盾，希望调解")],
                 results=["经调解，各继承人就房产分割达成一致，签订人民调解协议书"]),
            dict(r=["儿子儿媳天天吵架，还当着孩子的面摔东西，我们老两口实在没办法了"],
                 o=[("家庭矛盾", "其儿子儿媳经常争吵，当着孩子的面摔砸物品，家庭矛盾激化")],
                 notes=["已联合妇联巾帼港上门了解情况"],
                 results=["调解员和巾帼港工作人员多次上门疏导，夫妻双方已和好，纳入平安家庭回访"]),
        ]),
    "dispute.labor": dict(
        weight=4, patrol=False, complex=0.12, demand=["请劳动监察部门督促企业支付工资", "请依法维护劳动者合法权益"],
        notes=["劳动监察大队已约谈企业负责人", "已调取考勤和工资发放记录核实"], co=("union", 0.35),
        topics=[
            dict(r=["老板拖欠三个月工资不给，一共{wage}，天天说下个月发，我们十几个工友都等着钱过年",
                    "工地上干完活包工头跑了，工资{wage}一直没结，找项目部也不管"],
                 o=[("拖欠农民工工资", "其在{road}一工地务工，包工头拖欠其及十余名工友工资共计{wage}"),
                    ("企业拖欠工资", "{firm}拖欠职工{months}工资")],
                 results=["经劳动监察介入，企业已足额支付拖欠工资{wage}",
                          "已下达劳动保障监察责令改正决定书，企业承诺分两期付清工资"]),
            dict(r=["我在{firm}干了两年，说辞退就辞退，一分钱补偿都没有",
                    "公司不给交社保，还让我们签自愿放弃社保的协议"],
                 o=[("未缴社保及违法辞退", "其所在公司未为其缴纳社会保险，并单方面解除劳动合同，未支付经济补偿")],
                 notes=["已告知反映人可申请劳动仲裁，并提供法律援助指引"],
                 results=["经调解，企业同意支付经济补偿金并补缴社会保险，双方签订调解协议"]),
        ]),
    "org.social": dict(
        weight=0.6, patrol=True, demand=["请民政部门核查", "希望给予指导"], notes=[],
        topics=[
            dict(r=["有个什么“国学养生协会”在{spot}附近租了房子，天天拉老人入会交会费，说能分红，这是正规组织吗"],
                 o=[("疑似非法社会组织", "有一未登记组织以“协会”名义在{spot}附近发展会员、收取会费，疑似非法社会组织")],
                 notes=["已联系该组织负责人了解情况"],
                 results=["经核查，该组织未经登记擅自以社会组织名义开展活动，已依法取缔并将线索移交公安机关"]),
            dict(r=["我们小区想成立一支志愿服务队，帮孤寡老人买菜、打扫卫生，不知道怎么登记备案"],
                 o=[("志愿服务队登记咨询", "{compound}居民咨询成立社区志愿服务队的备案流程")],
                 notes=["社会组织孵化基地已电话联系居民，讲解备案流程"],
                 results=["已指导居民完成社区社会组织备案，志愿服务队纳入孵化基地培育"]),
            dict(r=["有人打着慈善的名义在{road}上募捐，说是给山区孩子捐款，也不出示任何证明"],
                 o=[("街头可疑募捐", "{road}有人以慈善名义募捐，未出示公开募捐资格证明")],
                 notes=["已会同派出所现场核查"],
                 results=["募捐人员无公开募捐资格，已责令停止募捐并进行批评教育"]),
        ]),
    "traffic.illegal_taxi": dict(
        weight=1.5, patrol=True, demand=["请交通运输执法部门整治", "请在放学时段加强巡查"],
        notes=["执法大队已在该区域开展蹲守", "已查扣非法营运车辆一辆"], co=("traffic_police", 0.2),
        topics=[
            dict(r=["学校门口有黑车拉客，放学的时候一排私家车在那喊，孩子坐这种车太不安全了"],
                 o=[("校门口非法营运车辆", "放学时段乌达区实验中学门口有多辆私家车非法揽客")],
                 notes=["已联合交警在放学高峰时段设卡检查"],
                 results=["已在校门口设立固定执法点，放学时段派员值守，黑车拉客现象已消除"]),
            dict(r=["{spot}那边天天停着好多黑车，拉客跑乌海市区，一个人收二十，正规出租车都排不上"],
                 o=[("{spot}黑出租拉客", "{spot}长期有无营运资质车辆聚集拉客")],
                 results=["开展专项整治，查处非法营运车辆{n2}辆，并在该区域设立常态化巡查点"]),
            dict(r=["火车站出站口黑车司机抢客，态度还很凶，差点跟人打起来"],
                 o=[("火车站黑车抢客", "乌达火车站出站口有黑车司机拉客、抢客")],
                 results=["已依法对非法营运车辆驾驶人作出行政处罚，并加强站前巡查"]),
        ]),
    "traffic.overload": dict(
        weight=1.5, patrol=True, where="highway", demand=["请加强治超检查", "请对抛撒车辆进行处罚"],
        notes=["已联合交警开展夜间联合执法"],
        topics=[
            dict(r=["G109国道上拉煤的大车一辆接一辆，明显超载，路都压坏了，还一路撒煤渣"],
                 o=[("G109国道货车超限", "G109国道乌达段夜间有大量运煤货车超限超载行驶")],
                 notes=["超限检测站已加强夜间检测"],
                 results=["夜间联合执法检查货车{n2}0余辆，查处超限车辆{n3}辆，已卸载并依法处罚"]),
            dict(r=["{road}上每天晚上都有渣土车经过，车上不盖苫布，沙土撒了一路，早上起来车上全是灰"],
                 o=[("{road}渣土车抛撒", "{road}渣土车未覆盖苫布，沿途抛撒严重")],
                 notes=["已约谈相关运输企业负责人"],
                 results=["已对抛撒车辆所属运输公司处以罚款并责令清扫路面"]),
            dict(r=["大货车半夜从{road}穿城而过，震得楼都在晃，这条路不是限行吗"],
                 o=[("{road}货车违规穿城", "夜间有重型货车违反限行规定从{road}穿城行驶")],
                 results=["已在该路段设立限行提示牌和夜间检查点，对违规货车依法处罚"]),
        ]),
    "traffic.enforcement": dict(
        weight=0.8, patrol=False, complex=0.2, demand=["请核实并给予答复", "请严肃查处"],
        notes=["已调取执法记录仪视频核查"],
        topics=[
            dict(r=["我在超限检测站被罚了款，执法人员不给开罚款单据，也不说明理由"],
                 o=[("执法不规范投诉", "其为货车司机，在G109国道被执法人员罚款，未出具处罚决定书及票据")],
                 results=["经调取执法记录仪核查，执法程序存在瑕疵，已向当事人补开处罚决定书并致歉，对执法人员批评教育"]),
            dict(r=["执法人员查车态度很差，张口就骂人，我要投诉"],
                 o=[("执法人员态度问题", "交通运输执法人员在检查过程中态度粗暴、语言不文明")],
                 notes=["已约谈当事执法人员"],
                 results=["经核实，执法人员存在态度问题，已责令其作出书面检查并通报批评"]),
            dict(r=["听说有执法人员私下收钱就放行超载车，这种情况有没有人管"],
                 o=[("疑似执法寻租", "有执法人员疑似收受好处费后对超限车辆放行")],
                 notes=["已将线索移交纪检部门"],
                 results=["已按程序移交纪检监察部门调查，结果将另行反馈"]),
        ]),
    "traffic.parking": dict(
        weight=5, patrol=True, demand=["请交警部门处理", "请施划停车位、加强管理"], notes=["已在该路段加强巡查"],
        topics=[
            dict(r=["{compound}门口天天有车乱停，把消防通道堵得死死的，真着火了消防车都进不来"],
                 o=[("{compound}消防通道被占", "{compound}门口消防通道长期被私家车占用")],
                 results=["已对违停车辆依法处罚，并联系物业在消防通道施划禁停标线、设置警示牌"]),
            dict(r=["{road}人行道上全是停的车，推婴儿车只能走机动车道，太危险了",
                    "{spot}门口早晚高峰双排停车，公交车都过不去"],
                 o=[("{road}人行道乱停车", "{road}人行道机动车乱停乱放严重")],
                 notes=["已协调施划临时停车位"],
                 results=["已在该路段安装隔离桩，施划停车泊位{n2}个，违停现象明显好转"]),
            dict(r=["有辆车在我家车库门口停了两天了，打挪车电话也不接"],
                 o=[("车辆堵门", "其车库门口被一辆车堵住两天，无法联系车主")],
                 notes=["交警已到现场贴单并联系车主挪车"],
                 results=["已对违停车辆依法处罚，并联系车主将车挪走"]),
        ]),
    "traffic.road_facility": dict(
        weight=3, patrol=True, demand=["请尽快维修", "请设置警示标志"], notes=[],
        topics=[
            dict(r=["{cross}的红绿灯坏了好几天了，一直闪黄灯，早上上班车都堵成一锅粥了"],
                 o=[("{cross}信号灯故障", "{cross}交通信号灯故障，只闪黄灯，交通拥堵")],
                 notes=["已通知信号灯维保单位到场检修"],
                 results=["信号灯控制器故障已更换，现已恢复正常运行"]),
            dict(r=["{road}上的斑马线都磨没了，学生过马路很危险，能不能重新画一下",
                    "{cross}那个限速牌被车撞倒了，躺在路边好几天没人管"],
                 o=[("{road}斑马线磨损", "{road}斑马线标线磨损严重，行人过街存在安全隐患")],
                 notes=["已列入近期标线施划计划"],
                 results=["已重新施划斑马线及停止线，并补设限速标志和“前方学校 减速慢行”标志"]),
            dict(r=[("{road}上一个井盖没了，晚上黑乎乎的，已经有人骑电动车摔了", "urgent")],
                 o=[("{road}井盖缺失", "{road}一处窨井盖缺失，夜间存在安全隐患", "urgent")],
                 notes=["已设置临时警示围挡"],
                 results=["已补装井盖，并对该路段井盖进行全面排查"]),
        ]),
    "school.surroundings": dict(
        weight=1.5, patrol=True, where="school", demand=["请相关部门开展校园周边整治", "请加强放学时段巡查"],
        notes=["已在放学时段安排执法队员值守"], co=("market", 0.4),
        topics=[
            dict(r=["{school}门口放学的时候全是小摊，卖的辣条、烤肠都是三无的，孩子天天买着吃",
                    "{school}门口有个卖刀具和打火机的小摊，小孩都能随便买"],
                 o=[("{school}门口无证摊贩", "放学时段{school}校门口有多个流动摊贩销售三无食品")],
                 notes=["已联合市场监管局对摊贩售卖食品进行检查"],
                 results=["已清理校门口流动摊贩{n2}处，暂扣三无食品一批，放学时段安排队员固定值守",
                          "已取缔校门口无证摊点，并在校门口两侧设立禁止摆摊提示牌"]),
            dict(r=["{school}旁边有个黑网吧，学生中午放学就往里钻，还有初中生通宵上网的"],
                 o=[("{school}周边黑网吧", "{school}附近一网吧违规接纳未成年人上网")],
                 notes=["已会同派出所对网吧进行突击检查"],
                 results=["经查该网吧违规接纳未成年人，已移交文化执法部门依法处罚"]),
        ]),
    "school.bullying": dict(
        weight=0.7, patrol=False, where="school", demand=["请教育部门督促学校调查处理", "请保护孩子不再受欺负"],
        notes=["教育局已要求学校成立调查小组", "学校已约谈涉事学生及家长"], co=(SCHOOL_UNIT, 0.3),
        topics=[
            dict(r=["我家孩子在学校被几个高年级学生堵在厕所要钱，还被打了，孩子都不敢去上学了",
                    "孩子说班里有几个同学天天给他起外号、孤立他，还在班级群里发侮辱他的图片"],
                 o=[("学生疑似遭受校园欺凌", "其孩子在校内被高年级学生索要钱财并殴打")],
                 notes=["心理教师已对受欺凌学生进行心理疏导"],
                 results=["经学校调查属实，已对涉事学生进行批评教育并通知家长，受欺凌学生由心理老师跟踪疏导",
                          "学校已召开防欺凌主题班会，涉事学生家长已赔礼道歉"]),
            dict(r=["放学路上有几个学生拦着低年级的孩子要零花钱，好几个家长都知道了"],
                 o=[("校园欺凌线索", "放学路上有学生拦截{school}低年级学生索要零花钱")],
                 results=["已联合派出所在放学路段加强巡逻，护学岗延长值守时间"]),
        ]),
    "school.psych": dict(
        weight=0.6, patrol=False, where="school", demand=["请学校心理老师关注", "请提供心理辅导"],
        notes=["已转学校学生发展与指导中心跟进", "心理教师已与家长电话沟通"],
        topics=[
            dict(r=["孩子上初二，最近一个多月不爱说话，回家就关门，成绩下降很厉害，想请学校心理老师帮帮忙",
                    "孩子快中考了压力特别大，晚上睡不着，有没有免费的心理咨询"],
                 o=[("学生心理健康求助", "其孩子近期情绪低落、厌学，希望学校给予心理辅导")],
                 results=["学校心理教师已对学生开展个体辅导，并与家长建立沟通机制，学生情绪明显好转",
                          "已为学生安排团体辅导和家庭教育指导"]),
            dict(r=[("孩子跟我说班上有个同学在本子上写想死之类的话，我很担心，不知道该跟谁说", "urgent")],
                 o=[("学生疑似心理危机", "其孩子的同学在作业本上写有自伤倾向的话", "urgent")],
                 notes=["学校已启动心理危机干预流程"],
                 results=["学校已按心理危机干预流程处置，联系家长并转介专业机构"]),
        ]),
    "school.safety": dict(
        weight=1.2, patrol=True, where="school", demand=["请尽快排除隐患", "请安排护学岗"], notes=[],
        co=(SCHOOL_UNIT, 0.3),
        topics=[
            dict(r=["{school}操场的篮球架锈得厉害，底座都松了，怕砸到孩子"],
                 o=[("{school}体育设施安全隐患", "{school}操场篮球架锈蚀松动，存在安全隐患")],
                 notes=["教育局已安排后勤人员到校查看", "已对松动设施设置警戒线"],
                 results=["已更换操场篮球架两副，并对全校体育设施开展安全排查"]),
            dict(r=["{school}门口早上送孩子的车太乱了，没有人指挥，好几次差点撞到学生"],
                 o=[("{school}上下学交通秩序", "{school}上下学高峰时段校门口交通秩序混乱")],
                 notes=["已协调交警在上下学时段加派警力"],
                 results=["已在校门口设立护学岗，交警和家长志愿者上下学时段联合值守"]),
            dict(r=[("{school}教学楼外墙瓷砖往下掉，昨天差点砸到人", "urgent")],
                 o=[("{school}外墙瓷砖脱落", "{school}教学楼外墙瓷砖脱落，存在坠物伤人隐患", "urgent")],
                 notes=["已对危险区域设置警戒线"],
                 results=["外墙空鼓瓷砖已全部清除，加装防护网"]),
        ]),
    "industry.safety": dict(
        weight=1.2, patrol=True, where="industry", demand=["请应急管理部门检查", "请责令企业整改"],
        notes=["应急管理局执法人员已到企业检查"],
        topics=[
            dict(r=["{firm}的工人跟我说，车间里的灭火器都过期了，还让工人不戴安全帽上高处作业"],
                 o=[("{firm}安全生产隐患", "{firm}存在消防器材过期、高处作业不佩戴安全防护用品等安全隐患")],
                 notes=["已下达责令限期整改通知书"],
                 results=["检查发现安全隐患{n2}项，已下达整改通知书，企业已完成整改并复查合格"]),
            dict(r=[("{road}边上有个小作坊私自存了好多液化气罐，就挨着居民楼，太吓人了", "urgent")],
                 o=[("违规储存液化气罐", "{road}一小作坊违规储存大量液化气钢瓶，紧邻居民楼", "urgent")],
                 notes=["已对违规储存的气瓶进行清理"],
                 results=["已依法查扣违规储存的液化气钢瓶{n2}个，对经营者立案处罚"]),
            dict(r=["我在{firm}上班，厂里的除尘设备坏了半年都不修，车间里粉尘大得看不清人"],
                 o=[("{firm}除尘设施损坏", "{firm}车间除尘设备长期损坏未修，粉尘浓度高")],
                 results=["已责令企业停产整顿，除尘设备修复后经复查方可恢复生产"]),
        ]),
    "industry.pollution": dict(
        weight=2.5, patrol=True, where="industry", complex=0.12, demand=["请环保部门查处", "请监测空气质量"],
        notes=["已调取企业在线监测数据"], co=("emergency", 0.2),
        topics=[
            dict(r=["厂子那边一到晚上就一股臭鸡蛋味，熏得人头疼，窗户都不敢开",
                    "{firm}的烟囱晚上冒黄烟，白天反而不冒，肯定是偷排"],
                 o=[("{firm}夜间异味扰民", "{firm}夜间排放刺激性异味气体，周边居民反映强烈")],
                 notes=["生态环境分局已安排夜间突击检查", "已委托第三方对周边空气进行采样监测"],
                 results=["经夜间突击检查，该企业脱硫设施未正常运行，已立案处罚并责令整改"]),
            dict(r=["{road}旁边的洗煤厂粉尘太大了，晾的衣服一会儿就黑了"],
                 o=[("洗煤厂粉尘污染", "{road}一洗煤厂露天堆煤未覆盖，扬尘严重")],
                 results=["已责令洗煤厂对煤堆全覆盖并安装喷淋抑尘设施，复查已落实"]),
            dict(r=["园区有个厂往沟里排黑水，味道刺鼻，草都死了"],
                 o=[("企业疑似偷排废水", "工业园区内有企业向排洪沟排放废水")],
                 notes=["已对排洪沟水样进行采样检测"],
                 results=["已对排污企业依法查处，排洪沟污染已清理"]),
        ]),
    "market.food_safety": dict(
        weight=2.5, patrol=False, shops=SHOPS, demand=["请市场监管部门查处", "要求商家赔偿"],
        notes=["市场监管所执法人员已到店检查"],
        topics=[
            dict(r=["在{shop}买的酸奶过期三天了还在卖，孩子喝完拉肚子"],
                 o=[("{shop}销售过期食品", "其在{shop}购买到过期酸奶")],
                 notes=["已对问题食品进行下架封存"],
                 results=["经查属实，已责令商家下架过期食品并立案调查，商家已按规定向消费者赔偿"]),
            dict(r=["{road}上那家饭馆后厨太脏了，老鼠乱跑，吃完饭我们一家都不舒服"],
                 o=[("餐馆卫生问题", "{road}一饭店后厨卫生脏乱，其食用后出现身体不适")],
                 results=["已责令该饭店停业整改，复查合格后方可营业"]),
            dict(r=["菜市场里卖的熟食没有任何标签，苍蝇到处飞"],
                 o=[("熟食摊卫生问题", "{spot}附近熟食摊点无标签、无防蝇设施")],
                 results=["已对熟食摊点进行规范，要求亮证经营、加盖防蝇罩"]),
        ]),
    "market.consumer": dict(
        weight=3, patrol=False, shops=["一家健身房", "一家理发店", "一家美容院", "一家游泳馆"],
        demand=["请市场监管部门处理，要求退款", "请查处虚假宣传"], notes=["已联系商家负责人核实"],
        topics=[
            dict(r=["在{shop}办了张{money}的卡，还没用几次店就关门了，老板也找不到了"],
                 o=[("预付卡商家跑路", "其在{shop}办理会员卡后商家停业，余额无法退还")],
                 notes=["已组织双方调解"],
                 results=["经调解，商家同意退还剩余预付款{money2}"]),
            dict(r=["小区门口超市标价和结账的价格不一样，多收了钱还不承认",
                    "买的手机才用了十天就坏了，店家不给换也不给修"],
                 o=[("价格欺诈", "{road}一超市结账金额与标价不符")],
                 notes=["已对商家经营场所开展检查"],
                 results=["经查商家存在价格违法行为，已立案处罚，多收款项已退还"]),
            dict(r=["有个理疗馆宣传什么床垫能治高血压，我妈花了一万多买了一个"],
                 o=[("虚假宣传", "有商家以理疗为名夸大宣传保健床垫功效，向老年人高价销售")],
                 results=["已对虚假宣传商家依法查处，消费者获退款"]),
        ]),
    "market.street_vendor": dict(
        weight=3.5, patrol=True, demand=["请城管部门整治", "希望规范设置摊点"], notes=["执法队员已到场劝离"],
        topics=[
            dict(r=["{road}上卖菜的小商贩把摊摆到马路中间了，车都过不去"],
                 o=[("{road}占道经营", "{road}流动摊贩占道经营，影响交通"),
                    ("无证摊贩堵路", "{road}一无证摊贩占道经营，堵塞道路")],
                 notes=["已与摊主约定到指定便民市场经营"],
                 results=["已清理占道摊点{n2}处，引导摊贩进入便民市场经营"]),
            dict(r=["{compound}门口晚上全是烧烤摊，油烟熏得楼上没法开窗，垃圾扔一地"],
                 o=[("{compound}门口夜市烧烤扰民", "{compound}门口夜间烧烤摊占道经营，油烟、噪音扰民")],
                 notes=["已安排夜间巡查"],
                 results=["已取缔小区门口露天烧烤，并安排执法队员夜间巡查巩固整治成果"]),
            dict(r=["{spot}门口的水果三轮车天天占着盲道，有老人走路被绊倒过"],
                 o=[("{spot}门口三轮车占道", "{spot}门口水果三轮车占用盲道经营")],
                 results=["摊贩已搬离盲道，设置了便民疏导点"]),
        ]),
    "service.employment": dict(
        weight=2, patrol=False, demand=["请人社部门给予指导", "希望帮助推荐就业"], notes=[],
        topics=[
            dict(r=["我今年46了，厂子关了以后一直没找到工作，听说可以办就业困难认定，需要带什么材料"],
                 o=[("就业困难认定咨询", "其咨询就业困难人员认定条件及所需材料")],
                 notes=["已电话告知所需材料清单"],
                 results=["已为其办理就业困难人员认定，并推荐公益性岗位"]),
            dict(r=["想参加社区的技能培训，学个面点或者育婴师，什么时候开班"],
                 o=[("技能培训报名", "{compound}居民咨询社区技能培训开班时间")],
                 notes=["已登记培训意向，开班时通知"],
                 results=["已安排参加下一期面点师技能培训"]),
            dict(r=["我是退役军人，想自己开个小店，有没有创业贷款"],
                 o=[("创业担保贷款咨询", "其咨询创业担保贷款申请条件")],
                 results=["已讲解创业担保贷款政策，并协助提交申请材料"]),
        ]),
    "service.assistance": dict(
        weight=2.5, patrol=True, demand=["请民政部门核实并给予救助", "请社区上门查看"], notes=[],
        topics=[
            dict(r=["我家老伴瘫痪在床，我自己也有病，两个人就靠一点退休金，能不能申请低保"],
                 o=[("低保申请咨询", "其家庭因病致贫，咨询申请最低生活保障事宜")],
                 notes=["社区工作人员已入户核查家庭情况", "已协助填写低保申请材料"],
                 results=["经入户调查和公示，该户已纳入最低生活保障"]),
            dict(r=[("{compound}{bld}有个独居老人好几天没见出门了，敲门也没人应，麻烦社区去看看", "urgent")],
                 o=[("独居老人安全", "{compound}一独居老人多日未出门，联系不上", "urgent")],
                 notes=["已联系老人子女"],
                 results=["老人已找到，身体无大碍，已纳入社区独居老人每日探访名单"]),
            dict(r=["家里突发大病花了好几万，实在困难，能申请临时救助吗"],
                 o=[("临时救助申请", "其因家庭成员突发重病，申请临时救助")],
                 notes=["社区工作人员已入户核查家庭情况"],
                 results=["已发放临时救助金{money2}"]),
            dict(r=["我想给我妈申请居家养老服务，社区有没有助餐点"],
                 o=[("居家养老服务申请", "其为母亲申请居家养老服务")],
                 results=["已为老人办理居家养老服务，安排每日助餐"]),
        ]),
    "service.disability": dict(
        weight=1, patrol=False, demand=["请残联给予帮助", "请协调加装无障碍设施"], notes=[],
        topics=[
            dict(r=["我是肢体残疾人，想问一下残疾证到期了怎么换证"],
                 o=[("残疾证换证咨询", "其咨询残疾人证到期换领流程")],
                 notes=["已电话告知换证所需材料"],
                 results=["已为其办理残疾人证换领"]),
            dict(r=["{compound}没有无障碍坡道，我坐轮椅根本出不了单元门"],
                 o=[("小区无障碍设施缺失", "{compound}单元门口无无障碍坡道，轮椅出行困难")],
                 notes=["已协调物业查看现场"],
                 results=["已协调物业在单元门口加装无障碍坡道"]),
            dict(r=["听说残联有手工编织培训，我女儿是听力残疾，能不能报名"],
                 o=[("残疾人技能培训", "其咨询残疾人手工编织培训报名事宜")],
                 notes=["已登记报名信息"],
                 results=["已安排参加温馨港手工编织培训实训基地下一期培训"]),
        ]),
    "rights.women_children": dict(
        weight=1.2, patrol=False, demand=["请妇联给予帮助", "请依法维护妇女儿童权益"],
        notes=["巾帼港工作人员已与求助人取得联系"], co=("police", 0.3),
        topics=[
            dict(r=[("我老公喝了酒就打我，这次把我胳膊打青了，我不知道该怎么办", "urgent")],
                 o=[("家庭暴力求助", "其遭受丈夫家庭暴力，请求帮助", "urgent")],
                 notes=["已协助求助人向派出所报案并申请告诫书"],
                 results=["已协助求助人申请人身安全保护令，派出所已对施暴人出具家庭暴力告诫书"]),
            dict(r=["邻居家天天打孩子，孩子哭得撕心裂肺，身上经常有伤"],
                 o=[("疑似虐待儿童", "其邻居家长期打骂孩子，孩子身上有伤痕")],
                 notes=["已联合社区上门走访"],
                 results=["经社区和妇联上门干预，家长已认识到错误，纳入重点关注家庭定期回访"]),
            dict(r=["离婚后前夫不让我见孩子，我该怎么办"],
                 o=[("探望权纠纷", "其离婚后被前夫阻挠探望子女")],
                 results=["已提供法律咨询，并协助申请法律援助"]),
        ]),
    "rights.youth": dict(
        weight=0.6, patrol=False, demand=["请团委给予帮助", "请关注青少年成长"], notes=[],
        topics=[
            dict(r=["我刚毕业回乌达，想找个实习岗位，团委有没有青年就业见习的机会"],
                 o=[("青年就业见习咨询", "其为应届高校毕业生，咨询青年就业见习岗位")],
                 notes=["青年港已登记其求职意向"],
                 results=["已推荐至辖区企业就业见习基地"]),
            dict(r=["小区里有几个辍学的孩子天天泡在网吧，家长也管不了，能不能有人关心一下"],
                 o=[("辍学青少年关爱", "{compound}有辍学青少年长期在网吧逗留")],
                 notes=["已联系学校和家长了解情况"],
                 results=["已联合学校动员辍学青少年复学，安排青年志愿者结对帮扶"]),
            dict(r=["我们几个年轻人想组织志愿服务活动，青年港能提供场地吗"],
                 o=[("青年志愿活动场地", "其咨询青年港能否为青年志愿服务活动提供场地")],
                 results=["已为青年志愿者活动提供青年港活动室"]),
        ]),
    "rights.worker": dict(
        weight=1.2, patrol=False, demand=["请工会维护职工合法权益", "请给予帮扶"], notes=[], co=("hrss", 0.2),
        topics=[
            dict(r=["我在{firm}上班受了工伤，公司不给报销医药费，还让我辞职"],
                 o=[("工伤待遇纠纷", "其在{firm}工作期间受伤，企业拒绝承担医疗费用")],
                 notes=["先锋港已安排法律服务律师与反映人联系"],
                 results=["经工会协调，企业同意承担全部医疗费用并依法申报工伤认定"]),
            dict(r=["单位一年到头不让休假，加班也没有加班费，工会能不能管管"],
                 o=[("加班费争议", "其所在单位长期安排加班但不支付加班费")],
                 notes=["已与企业工会沟通"],
                 results=["经工会介入，企业已补发加班费并规范休假制度"]),
            dict(r=["家里孩子考上大学了，我是困难职工，听说工会有金秋助学"],
                 o=[("困难职工帮扶", "其咨询困难职工子女金秋助学政策")],
                 notes=["已登记帮扶信息"],
                 results=["已为其子女发放金秋助学金"]),
        ]),
    "estate.property": dict(
        weight=5, patrol=False, complex=0.12, where="urban", demand=["请住建部门督促物业整改", "请协调解决"],
        notes=["已约谈物业公司负责人"], co=("community_office", 0.3),
        topics=[
            dict(r=["{compound}物业费年年涨，服务一点没变好，楼道灯坏了一个月都没人修"],
                 o=[("{compound}物业服务质量差", "{compound}物业收费后服务不到位，公共设施损坏长期不修")],
                 notes=["已查阅物业服务合同"],
                 results=["已责令物业公司限期整改，楼道灯等公共设施已修复"]),
            dict(r=["{compound}物业要撤场了，说下个月就不管了，小区里垃圾谁来清"],
                 o=[("{compound}物业撤场", "{compound}物业公司拟撤场，业主担心小区无人管理", "complex")],
                 notes=["已协调社区召开业主、物业、居委会三方协调会"],
                 results=["经三方协调，由社区临时托管过渡，已启动新物业选聘"]),
            dict(r=["物业说不交物业费就不给开门禁卡，这合理吗",
                    "开发商当初承诺送的车位现在要另外收钱，物业还拿车位费抵物业费"],
                 o=[("物业限制使用门禁", "{compound}物业以不交物业费为由限制业主使用门禁")],
                 results=["经核查，物业相关做法不当，已责令立即纠正并向业主公示收费依据"]),
        ]),
    "estate.facilities": dict(
        weight=8, patrol=True, where="urban", demand=["请尽快维修", "请督促相关单位处理"], notes=[],
        topics=[
            dict(r=[("{compound}{bld}暖气不热，屋里才十三四度，老人孩子都冻感冒了", "utility", "winter")],
                 o=[("{compound}供暖不达标", "其家住{compound}{bld}，室温仅14度，供暖不达标", "utility", "winter")],
                 notes=["已通知供热公司到户测温"],
                 results=["供热公司已对管网进行排气和调节，复测室温20度，达标"]),
            dict(r=[("{compound}{bld}电梯又坏了，住十八楼的老人已经三天没下楼了", "utility")],
                 o=[("{compound}电梯故障", "{compound}{bld}电梯频繁故障停运", "utility")],
                 notes=["电梯维保单位已到场检修"],
                 results=["已更换电梯主板及门机，并要求维保单位加强日常维护"]),
            dict(r=["{compound}的路灯坏了大半年，晚上黑漆漆的，老人摔了好几个"],
                 o=[("{compound}路灯损坏", "{compound}多处路灯损坏不亮")],
                 notes=["已协调物业更换灯具"],
                 results=["已更换损坏路灯{n2}盏"]),
            dict(r=[("{compound}{bld}下水道堵了，污水从一楼地漏往上冒，屋里全是臭水", "utility")],
                 o=[("{compound}下水道堵塞", "{compound}{bld}下水道堵塞，污水从一楼住户地漏反涌", "utility")],
                 notes=["已安排疏通车辆到场处置"],
                 results=["已疏通下水主管道，清理反涌污水，并要求物业定期清掏"]),
            dict(r=[("{cross}自来水管爆裂，水流到马路上", "utility"),
                    ("{compound}楼下供水管道漏水，整个单元都停水了", "utility")],
                 o=[("{cross}供水管道爆裂", "{cross}供水管道爆裂，大量积水漫至路面", "utility")],
                 notes=["已安排抢修队伍到场处置"],
                 results=["抢修队已更换破损管段，现已恢复供水"]),
        ]),
    "estate.sanitation": dict(
        weight=5, patrol=True, demand=["请社区协调清运", "请加强环境卫生管理"], notes=[],
        topics=[
            dict(r=["{compound}垃圾桶满了好几天没人清，味道太大了，苍蝇蚊子到处飞"],
                 o=[("{compound}垃圾清运不及时", "{compound}生活垃圾清运不及时，垃圾桶满溢")],
                 notes=["社区已联系环卫所安排清运"],
                 results=["已清运垃圾{n2}车，并协调环卫所将清运频次增加为每日两次"]),
            dict(r=["小区楼道里被人贴满了小广告，墙上全是开锁办证的电话"],
                 o=[("楼道小广告", "{compound}楼道内小广告泛滥")],
                 notes=["已组织志愿者清理小广告"],
                 results=["已组织社区志愿者清理楼道小广告，张贴文明公约"]),
            dict(r=["{compound}后面那块空地堆满了建筑垃圾，还有人往里倒生活垃圾"],
                 o=[("{compound}建筑垃圾堆放", "{compound}空地长期堆放建筑垃圾")],
                 notes=["已协调物业和环卫所清运"],
                 results=["建筑垃圾已全部清运，设置禁止倾倒警示牌"]),
            dict(r=["{road}边的排水沟堵了，一下雨就积水，夏天臭得不行"],
                 o=[("{road}排水沟堵塞", "{road}路边排水沟堵塞，雨后积水发臭")],
                 results=["已清掏排水沟{n2}0余米，并纳入社区环境卫生日常巡查"]),
        ]),
    "estate.illegal_build": dict(
        weight=2, patrol=True, complex=0.25, demand=["请执法部门依法拆除", "请恢复公共绿地"],
        notes=["执法队员已现场勘查并下达限期拆除通知书", "已联系当事人做思想工作"],
        topics=[
            dict(r=["{compound}一楼住户把院子扩出去盖了个大房子，把公共绿地都圈进去了"],
                 o=[("{compound}私搭乱建", "{compound}一楼住户私自扩建院落，侵占公共绿地")],
                 results=["违章建筑已由当事人自行拆除，绿地已恢复", "当事人逾期未拆除，已依法组织强制拆除"]),
            dict(r=["楼顶有人私自搭彩钢房，还在上面养鸽子，楼下一到雨天就漏水"],
                 o=[("楼顶违章搭建", "{compound}{bld}楼顶有人私搭彩钢房")],
                 results=["楼顶彩钢房已拆除，并协调物业修复屋面防水"]),
            dict(r=["{compound}有户人家在楼道里砌墙隔出一间，把整个楼道都占了"],
                 o=[("{compound}楼道违建", "{compound}一住户在楼道内砌墙私占公共空间")],
                 notes=["已协调社区和物业共同劝导"],
                 results=["楼道隔墙已拆除，恢复公共通道"]),
        ]),
    "general.legal_aid": dict(
        weight=1.5, patrol=False, demand=["请提供法律咨询", "请提供法律援助"],
        notes=["公共法律服务工作站律师已电话解答"],
        topics=[
            dict(r=["我借给朋友五万块钱，打了欠条，现在他不还了，我该怎么起诉",
                    "买房交了定金，现在开发商说不卖了，定金能不能要回来"],
                 o=[("民间借贷法律咨询", "其咨询民间借贷纠纷起诉程序")],
                 results=["律师已详细解答，建议其收集证据后向人民法院起诉"]),
            dict(r=["我打官司请不起律师，听说可以申请法律援助，怎么申请"],
                 o=[("法律援助申请", "其因经济困难申请法律援助")],
                 notes=["已指导填写法律援助申请表"],
                 results=["法律援助申请已受理，已指派律师代理"]),
            dict(r=["家里老人想立遗嘱，需要办什么手续"],
                 o=[("遗嘱公证咨询", "其咨询为老人办理遗嘱的手续")],
                 results=["已告知遗嘱公证所需材料及办理流程"]),
        ]),
    "general.praise": dict(
        weight=1, patrol=False, demand=["请转达谢意"], notes=["已将表扬转达相关单位"],
        topics=[
            dict(r=["我要表扬一下新达派出所的民警，帮我找回了丢的电动车，特别负责",
                    "感谢社区网格员马丽娟，我家老人住院她跑前跑后帮了大忙",
                    "上次反映的暖气不热问题，供热公司当天就来修好了，特别感谢",
                    "感谢人民调解员郝永平，帮我们家化解了多年的矛盾"],
                 o=[("表扬{unitname}", "其表扬{unitname}工作人员办事认真负责、热情周到"),
                    ("群众致谢", "其对前期反映问题的快速处理表示感谢")],
                 results=["已将群众的表扬和感谢转达至相关单位及工作人员", "已记录并转达群众谢意，纳入单位年度考评"]),
        ]),
    "general.other": dict(
        weight=2, patrol=False, demand=["请相关部门答复", "请协调解决"], notes=["已联系相关部门核实"],
        topics=[
            dict(r=["想问一下孩子上学划片怎么查，打了好几个电话都说不归他们管"],
                 o=[("学区划分咨询", "其咨询义务教育阶段学区划分查询途径")],
                 results=["已告知反映人可通过区教育局官网查询学区划分"]),
            dict(r=["{road}的公交站台被拆了一直没恢复，等车只能站在太阳底下"],
                 o=[("{road}公交站台拆除未恢复", "{road}公交站台因施工拆除后一直未恢复")],
                 results=["已协调公交公司设置临时站台，施工结束后恢复原站台"]),
            dict(r=["{spot}的公共厕所一直锁着门，附近连个上厕所的地方都没有"],
                 o=[("公共厕所未开放", "{spot}公共厕所长期锁门未开放")],
                 results=["已协调环卫部门恢复公厕开放，开放时间为6:00-22:00"]),
            dict(r=["小区附近新建了个信号塔，辐射大不大？大家都很担心"],
                 o=[("通信基站辐射咨询", "其所住小区附近新建通信基站，居民担心辐射")],
                 results=["已协调生态环境部门现场检测，电磁辐射符合国家标准，已向居民解释"]),
        ]),
}

# Not actionable: (what was reported, why it is rejected).
REJECTS = [
    ("问一下乌海市区哪里能办护照", "不属于本区管辖范围，已告知反映人向乌海市公安局出入境管理部门咨询"),
    ("我要举报，具体情况你们来了再说", "反映内容不具体，多次回拨无法联系反映人，无法核实"),
    ("我和公司的合同纠纷法院已经判了，判得不公平，要求重新审理", "属于已进入诉讼程序的案件，已告知反映人通过上诉等法律途径解决"),
    ("（来电无声，多次询问无应答）", "来电人误拨，无具体诉求"),
    ("海勃湾区的楼盘房产证一直办不下来，请帮忙催一下", "不属于本区管辖范围，已告知来电人向海勃湾区住建部门咨询"),
]

# Sent to the wrong unit first, returned (退单) with this reason.
MISROUTES = {
    "market.street_vendor": ("market", "属于占道经营，应由综合执法局处理"),
    "traffic.parking": ("urban_enforcement", "属于机动车乱停放，应由交警大队处理"),
    "estate.sanitation": ("housing", "属于小区环境卫生问题，应由社区居委会协调物业处理"),
    "estate.facilities": ("community_office", "涉及供水供热管网维修，属住建局职责，请改派"),
    "school.surroundings": ("education", "属于校园周边无证摊贩，应由综合执法局处理"),
    "traffic.illegal_taxi": ("traffic_police", "属于非法营运，应由交通运输综合行政执法大队处理"),
    "industry.pollution": ("emergency", "属于环境污染问题，应由生态环境分局处理"),
    "dispute.neighbor": ("police", "不属于治安案件，属邻里纠纷，建议由人民调解委员会调解"),
    "market.food_safety": ("urban_enforcement", "涉及食品安全，属市场监管局职责"),
    "estate.illegal_build": ("housing", "属于违章搭建，应由综合执法局处理"),
    "dispute.labor": ("union", "属于劳动争议，应由人社局劳动保障监察处理，工会可协助"),
    "security.fraud": ("market", "属于电信网络诈骗，应由公安机关处理"),
}
DUPLICABLE = {"estate.facilities", "traffic.road_facility", "market.street_vendor", "industry.pollution",
              "traffic.parking", "estate.sanitation", "security.disorder"}

R_PREFIXES = ["", "", "", "", "", "你好，", "您好，", "反映个问题：", "想反映一下，"]
R_TAILS = ["", "", "", "希望有关部门尽快处理。", "已经反映好几次了，一直没人管！", "麻烦尽快来看看，谢谢！",
           "请给个说法。", "拜托了。", "希望能尽快解决。", "急！", "谢谢！"]
WRAPS = {
    SRC.HOTLINE: ["来电人反映：{fact}。诉求：{demand}。", "市民来电反映，{fact}，{demand}。",
                  "来电人称{fact}，{demand}。", "来电反映：{fact}。来电人诉求：{demand}。"],
    SRC.PATROL: ["网格员巡查发现：{fact}。已拍照留存，{demand}。", "巡查发现{fact}，{demand}。",
                 "网格员走访发现{fact}，已现场劝导，{demand}。"],
    SRC.WALK_IN: ["群众到港湾反映：{fact}。{demand}。", "来访人反映{fact}，{demand}。"],
}
QUOTE_WRAPS = ["来电人称：“{text}”", "来电人反映：{text}", "来电人再次反映：{text}"]
PROGRESS_NOTES = ["已与反映人电话沟通，告知办理进度", "正在协调相关单位共同处理", "已到现场复查", "正在办理中，已明确专人负责"]
DISPATCH_NOTES = ["请于今日内联系反映人", "群众反映强烈，请加快办理", "请会同相关单位共同处理", "请核实后按时限办结",
                  "请及时签收办理"]
EXT_REASONS = ["需协调供水公司停水抢修，工期较长", "涉及多户居民，需逐户上门做工作", "需等待第三方检测报告",
               "当事人在外地，暂无法联系，需延期调解", "涉及资金审批流程，需延长办理时限", "需会同多个部门联合处置"]
EXT_APPROVE = ["同意延期", "同意，请抓紧办理", "同意延期，请按新时限办结"]
EXT_DENY = ["延期理由不充分，请按原时限办结", "该事项群众反映强烈，请在原期限内办结"]
FU_COMMENTS = {
    SAT.SATISFIED: ["处理得很及时，谢谢", "问题解决了，挺好", "工作人员态度很好", "", "", "满意，谢谢你们"],
    SAT.BASIC: ["问题基本解决，就是时间有点长", "处理了，还得观察几天", "解决了一部分", "还行吧"],
    SAT.UNSATISFIED: ["问题根本没解决，还是老样子", "打电话说处理了，实际没人来过", "敷衍了事，不满意"],
}
CLOSE_UNREACHABLE = ["回访电话三次无人接听，按规定予以归档", "反映人电话停机，无法回访，予以归档"]
CLOSE_ANONYMOUS = ["匿名反映，无法回访，经核实已办结，予以归档"]
CLOSE_PATROL = ["经网格员现场复核，问题已整改到位，予以归档", "经现场核实已处理完毕，予以归档"]
CLOSE_AFTER_SUPERVISION = ["经督办复核，承办单位已按政策规定办理到位，反映人诉求超出政策范围，已做好解释，予以归档"]
CO_NOTES = {
    "union": "先锋港已安排工会法律服务律师为职工提供咨询",
    "market": "市场监管所已对相关摊点售卖的食品进行抽检",
    "traffic_police": "交警大队已安排警力在高峰时段配合整治",
    SCHOOL_UNIT: "学校已安排安全员和护学岗配合",
    "police": "派出所民警已上门了解情况",
    "community_office": "社区已安排网格员上门走访，配合做好双方工作",
    "women": "巾帼港已安排工作人员跟进，提供心理疏导",
    "emergency": "应急管理局已同步检查企业安全生产情况",
    "hrss": "人社局劳动保障监察已同步介入",
}
REPLY_TEXTS = {
    "accept": ["因工作人员疏忽未及时签收，已立即签收办理，今后安排专人每日查看工单",
               "节假日值班人员未及时查看工单，已整改，现已签收办理"],
    "handle": ["该事项涉及多个部门，正在协调处理，预计3个工作日内办结", "已召开专题会议研究，明确专人负责，限期办结",
               "已加派人手，正在加紧办理，办结后及时反馈"],
    "follow_up": ["已再次上门核实，反映人诉求超出政策规定，已做好解释工作", "已约见反映人当面沟通，后续将持续跟进"],
}
BANNER_WORDS = ["为民解忧暖人心 情系民心办实事", "排忧解难 心系百姓", "热心为民办实事 真情服务暖人心", "心系群众 情暖万家"]
UNIT_BANNERS = {
    "police": ["人民好警察 破案神速保平安", "警民鱼水情 平安守护人"],
    "traffic_police": ["护学岗上显担当 守护平安暖人心"],
    "justice": ["调解纠纷促和谐 真情服务暖人心", "公正调解解民忧"],
    "urban_enforcement": ["执法为民 公正廉洁"],
    "market": ["执法为民 维权暖心"],
    "transport_enforcement": ["为民解忧暖人心 情系民心办实事", "执法为民 公正廉洁"],
    "union": ["维护职工权益 工会娘家人"],
    "hrss": ["讨薪路上解民忧 情系农民工"],
    "women": ["巾帼暖人心 维权显真情"],
}
LETTER_TEXT = "感谢{unit}的同志们，我反映的问题很快就得到了解决，工作认真负责、态度热情周到，特此致谢！"
PRAISE_UNITS = ["新达派出所", "综合行政执法局", "市场监管所", "供热公司", "社区居委会"]

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘"
            "杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎常武乔贺")
GIVEN = ["秀兰", "桂英", "建国", "建华", "志强", "海燕", "晓东", "红梅", "春花", "玉兰", "国庆", "文博", "子涵", "浩然",
         "伟", "敏", "静", "磊", "军", "勇", "杰", "涛", "明", "超", "芳", "娜", "丽", "强", "洋", "艳", "凤英",
         "淑珍", "德胜", "永红", "卫东", "丽华", "金凤", "建军", "小龙", "宏伟", "俊杰", "雅琴", "玉梅", "志刚"]
MONGOLIAN = ["巴特尔", "乌云", "其木格", "额尔敦", "萨仁", "那日苏", "阿拉坦", "图雅", "苏日娜", "孟和"]
MOBILE = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
          "158", "159", "166", "175", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
          "191", "198", "199"]

MEETINGS = [
    dict(kind=Meeting.Kind.SCHOOL_SAFETY, title="乌达区实验中学学校安全联席会议", organizer="education",
         area=SCHOOL_AREA, harbor=SCHOOL_HARBOR, days_ago=75, at=(15, 0), recorder="school_safety",
         place="乌达区实验中学行政楼三楼会议室",
         units=["education", "police", "traffic_police", "urban_enforcement", "market", SCHOOL_UNIT, "zfw"],
         agenda="一、通报本学期校园安全工作情况；二、研究校门口上下学交通秩序问题；三、部署校园周边“三无”食品和无证摊贩"
                "整治；四、学生心理健康教育与心理危机干预工作。",
         minutes="会议由区教育局主持。学校通报了开学以来校园安全工作和学生心理健康教育情况，与会单位就校门口上下学"
                 "交通秩序、周边无证摊贩等问题进行了交流。会议明确：由交警大队牵头落实高峰勤务和家长“护学岗”，综合执法局"
                 "牵头清理校门口无证摊贩，市场监管局对学校食堂和周边食品经营户开展专项检查，学校完善心理危机干预预案。",
         decisions=[("在实验中学南门设立护学岗，上下学高峰时段交警、民警、家长志愿者联合值守", "traffic_police", 10),
                    ("开展校园周边200米范围内无证摊贩、“三无”食品集中清理", "urban_enforcement", 15),
                    ("对学校食堂及周边食品经营户开展食品安全专项检查", "market", 10),
                    ("完善学生心理危机干预预案，每个教学班落实1名心理委员", "education", 20)]),
    dict(kind=Meeting.Kind.SCHOOL_SURROUNDINGS, title="校园周边环境整治联席会议", organizer="zfw", area="wuda",
         harbor=None, days_ago=40, at=(9, 30), recorder="dispatcher", place="区社会治理综合指挥中心二楼会议室",
         units=["zfw", "police", "traffic_police", "urban_enforcement", "market", "transport_enforcement", "education"],
         agenda="一、通报全区校园周边治安、卫生乱点排查情况；二、研究黑网吧、黑出租、无证摊贩集中整治方案。",
         minutes="会议通报了全区中小学校园周边乱点排查情况，共排查出黑网吧、非法营运车辆聚集点、无证摊贩等问题点位"
                 "14处。会议要求各成员单位按照职责分工，限期完成整治，整治情况纳入学校安全工作督查督办。",
         decisions=[("清理学校周边黑网吧，严查违规接纳未成年人", "police", 15),
                    ("整治育才路、文化路校门口非法营运车辆", "transport_enforcement", 10),
                    ("在校门口两侧增设禁停标志和减速带", "traffic_police", 15)]),
    dict(kind=Meeting.Kind.DISPATCH, title="交通运输执法领域突出问题专项整治行动调度会", organizer="transport_enforcement",
         area="wuda", harbor="wuda-overload-station", days_ago=20, at=(15, 0), recorder="dispatcher",
         place="乌达超限检测站会议室", units=["transport_enforcement", "traffic_police", "zfw"],
         agenda="一、各单位汇报专项整治工作开展情况；二、通报整治进度和存在问题；三、部署下一步工作。",
         minutes="与会单位汇报了专项整治工作开展情况、取得的成效、存在的问题及下一步打算。会议要求提高整治站位，"
                 "落实落细各项工作任务，每一项工作都有路线图、时间表和责任制，确保工作进度不落后于时间进度。",
         decisions=[("开展“大走访”“大调查”无记名问卷调查，收集司乘人员和运输从业人员意见", "transport_enforcement", 15),
                    ("对G109国道乌达段货车超限超载开展夜间联合执法", "transport_enforcement", 10),
                    ("规范执法行为，执法全过程佩戴执法记录仪并当场出具处罚文书", "transport_enforcement", 5)]),
    dict(kind=Meeting.Kind.JOINT, title="新达街道矛盾纠纷排查化解联席会议", organizer="zfw", area="wuda.xinda",
         harbor="xinda-mediation", days_ago=8, at=(14, 30), recorder="dispatcher_xinda",
         place="新达街道综治中心二楼会议室", units=["zfw", "justice", "hrss", "police", "community_office", "women"],
         agenda="一、通报近期矛盾纠纷排查情况；二、研究拖欠农民工工资和邻里纠纷多发问题。",
         minutes="会议通报了街道近一个月受理的矛盾纠纷情况，邻里纠纷和劳动争议占比最高。会议要求做到小事不出社区、"
                 "大事不出街道，对拖欠农民工工资问题开展集中排查。",
         decisions=[("对辖区拖欠农民工工资问题开展集中排查，做到动态清零", "hrss", 20),
                    ("对永昌佳苑、滨河花园等小区邻里纠纷开展逐楼栋排查", "justice", 10)]),
]

WINDOWS = ((8 * 60 + 30, 12 * 60), (14 * 60 + 30, 18 * 60))  # business hours, minutes of the day


@functools.cache
def _zh(msgid: str, fallback: str) -> str:
    """The Chinese the actions would write for msgid (fallback while the catalog lacks it)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return fallback if text == msgid else text


def _pick(rng, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class _Later(Exception):
    """A scripted step would happen after now."""


@dataclass
class Stats:
    matters: int = 0
    events: int = 0
    follow_ups: int = 0
    extensions: int = 0
    supervisions: int = 0
    meetings: int = 0
    decisions: int = 0
    commendations: int = 0
    seconds: float = 0.0
    by_status: dict = field(default_factory=dict)
    showcase: dict = field(default_factory=dict)  # what the scenarios need to find their matters

    @property
    def rows(self) -> int:
        return (self.matters + self.events + self.follow_ups + self.extensions + self.supervisions
                + self.meetings + self.decisions + self.commendations)


class _Life:
    """One matter being written: the row, its events (kept in time order) and side rows."""

    __slots__ = ("m", "events", "history", "orders", "fixups", "co_units", "extensions", "follow_ups", "main",
                 "handler", "check", "reply_kind", "since")

    def __init__(self, m: Matter):
        self.m = m
        self.events: list = []  # rows, see HistoryWriter.event
        self.history = [(m.created_at, S.RECEIVED)]
        self.orders: list = []
        self.fixups: list = []  # (event, key, object whose pk goes into event.data[key])
        self.co_units: list = []
        self.extensions: list = []
        self.follow_ups: list = []
        self.main = None  # the _Life this duplicate is merged into
        self.handler = None
        self.check = ""
        self.reply_kind = "handle"
        self.since = m.created_at

    def status_at(self, at) -> str:
        i = bisect.bisect_right([t for t, _s in self.history], at) - 1
        return self.history[max(i, 0)][1]


class HistoryWriter:
    """Plays matters forward in time with the rules of actions.py and writes them in batches."""

    def __init__(self, *, seed: int = 2026, now=None, batch_size: int = 5000, stdout=None):
        self.rng = random.Random(seed)
        self.now = timezone.localtime(now or timezone.now()).replace(microsecond=0)
        self.tz = self.now.tzinfo
        self.batch_size = batch_size
        self.stdout = stdout
        self.seq = itertools.count()
        self.stats = Stats()
        self.batch: list[_Life] = []
        self.orders: list = []  # (Supervision, [lives]) of the current batch
        self.decisions: list = []
        self.praise_pool: list = []
        self.praise_seen = 0
        self._workday: dict[date, bool] = {}
        self._limits: dict = {}
        self._after: dict = {}
        self.overrides = deadlines.overrides()
        self.supervise_after = timedelta(hours=settings.SWEEP_SUPERVISE_AFTER_HOURS)
        self.escalate_after = timedelta(hours=settings.SWEEP_ESCALATE_AFTER_HOURS)
        self._load_references()

    # --- reference data --------------------------------------------------------------------

    def _load_references(self) -> None:
        self.areas = {a.code: a for a in Area.objects.all()}
        self.area_by_path = {a.path: a for a in self.areas.values()}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.unit_by_id = {u.pk: u for u in self.units.values()}
        self.area_by_id = {a.pk: a for a in self.areas.values()}
        self.categories = {c.code: c for c in Category.objects.select_related("domain", "default_unit")}
        self.category_by_id = {c.pk: c for c in self.categories.values()}
        missing = sorted(set(TEXTS) - set(self.categories))
        if missing:
            raise ValueError("The demo history needs the categories of the default taxonomy; missing: "
                             + ", ".join(missing))
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        for name in ("dispatcher", "dispatcher_xinda", "leader", "unit_handler", "grid_worker", "harbor_staff"):
            if name not in self.users:
                raise ValueError(f"The demo history needs the demo accounts (load_demo first); missing: {name}")
        self.harbors = {h.code: h for h in Harbor.objects.select_related("area", "domain")}
        self.harbor_by_id = {h.pk: h for h in self.harbors.values()}
        self.user_by_id = {u.pk: u for u in self.users.values()}
        self.grids = {}
        for code in PLACES:
            self.grids[code] = sorted(c for c, a in self.areas.items()
                                      if c.startswith(code + ".g") and a.depth == self.areas[code].depth + 1)
        self.dispatcher_paths = set(
            User.objects.filter(role=User.Role.DISPATCHER, is_active=True).values_list("areas__path", flat=True)
        ) - {None}
        self.grid_worker_path = self.areas["wuda.xinda.yongchang.g1"].path
        self.xinda_path = self.areas["wuda.xinda"].path
        self.yongchang_path = self.areas["wuda.xinda.yongchang"].path
        self.cat_weights = {code: t["weight"] for code, t in TEXTS.items()}
        self.codes: set[str] = set()
        if Matter.objects.count() < 100_000:
            self.codes.update(Matter.objects.values_list("tracking_code", flat=True))

    # --- calendar and clocks ----------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        value = self._workday.get(day)
        if value is None:
            value = self._workday[day] = workdays.is_workday(day, self.overrides)
        return value

    def _window_start(self, t: datetime) -> datetime:
        """The first moment at or after t inside business hours on a working day."""
        while True:
            if self.is_workday(t.date()):
                minute = t.hour * 60 + t.minute
                for start, end in WINDOWS:
                    if minute < start:
                        return t.replace(hour=start // 60, minute=start % 60, second=0)
                    if minute < end:
                        return t
            t = (t + timedelta(days=1)).replace(hour=0, minute=0, second=0)

    def business(self, t: datetime, minutes: float) -> datetime:
        """t plus this many minutes of business hours (08:30–12:00, 14:30–18:00 on working days)."""
        t = self._window_start(t)
        left = minutes
        while True:
            minute = t.hour * 60 + t.minute + t.second / 60
            end = WINDOWS[0][1] if minute < WINDOWS[0][1] else WINDOWS[1][1]
            room = end - minute
            if left <= room:
                return (t + timedelta(minutes=left)).replace(microsecond=0)
            left -= room
            t = self._window_start((t + timedelta(minutes=room)).replace(microsecond=0))

    def last_business_moment(self, before: datetime) -> datetime:
        """The latest moment <= before that lies in business hours."""
        t = before
        while True:
            if self.is_workday(t.date()):
                minute = t.hour * 60 + t.minute
                for start, end in reversed(WINDOWS):
                    if minute >= end:
                        return t.replace(hour=end // 60, minute=end % 60, second=0) - timedelta(minutes=1)
                    if minute >= start:
                        return t
            t = (t - timedelta(days=1)).replace(hour=23, minute=59, second=0)

    def back(self, t: datetime, minutes: float) -> datetime:
        """t minus this many business minutes (t is in business hours)."""
        left = minutes
        while True:
            minute = t.hour * 60 + t.minute
            start = WINDOWS[1][0] if minute >= WINDOWS[1][0] else WINDOWS[0][0]
            room = minute - start
            if left <= room:
                return t - timedelta(minutes=left)
            left -= room
            t = self.last_business_moment(t.replace(hour=start // 60, minute=start % 60) - timedelta(minutes=1))

    def workday_at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """hh:mm on the last working day at least days_ago days before today."""
        day = self.now.date() - timedelta(days=days_ago)
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _workdays_after(self, day: date, amount: int) -> tuple[date, bool]:
        """(due day, whether the clock moved to 09:00) for `amount` working days from `day`."""
        key = (day, amount)
        if key not in self._after:
            probe = datetime.combine(day, time(12, 0), tzinfo=self.tz)
            due = timezone.localtime(deadlines.add_limit(probe, amount, LimitUnit.WORKDAYS), self.tz)
            self._after[key] = (due.date(), due.time() != probe.time())
        return self._after[key]

    def add_limit(self, start: datetime, amount: int, unit: str) -> datetime:
        """deadlines.add_limit, memoised per (day, amount) for working days."""
        if unit == LimitUnit.HOURS:
            return timezone.localtime(deadlines.add_limit(start, amount, unit), self.tz)
        start = timezone.localtime(start, self.tz)
        day, moved = self._workdays_after(start.date(), amount)
        if moved:  # started on a non-working day: the clock starts at 09:00 of the next one
            return datetime.combine(day, workdays.WORKDAY_START, tzinfo=self.tz)
        return datetime.combine(day, start.timetz())

    def limits(self, m: Matter):
        key = (m.urgency, m.category_id)
        if key not in self._limits:
            category = self.category_by_id.get(m.category_id)
            stand_in = SimpleNamespace(urgency=m.urgency, category_id=m.category_id, category=category)
            self._limits[key] = deadlines.limits_for(stand_in)
        return self._limits[key]

    def tick(self, t: datetime) -> datetime:
        """When the per-minute sweep notices a moment: always the same answer for the same
        moment, however often a matter's clock is looked at."""
        return t.replace(microsecond=0) + timedelta(seconds=2 + int(t.timestamp()) * 7919 % 57)

    def not_after_now(self, at) -> None:
        if at > self.now:
            raise _Later

    # --- people -----------------------------------------------------------------------------

    def person(self, *, polite: float = 0.3) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return rng.choice(MONGOLIAN)
        surname = rng.choice(SURNAMES)
        if rng.random() < polite:
            return surname + rng.choice(["女士", "先生", "阿姨", "师傅"])
        return surname + rng.choice(GIVEN)

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return f"0473-{rng.randint(3100000, 3999999)}"
        return rng.choice(MOBILE) + f"{rng.randint(0, 99999999):08d}"

    def handler(self, unit_code: str, m: Matter) -> User:
        rng = self.rng
        if unit_code == "police":
            return self.users["unit_handler"]
        if unit_code == SCHOOL_UNIT:
            return self.users["school_safety"]
        if unit_code == "justice" and m.area_path.startswith(self.xinda_path) and rng.random() < 0.7:
            return self.users["mediator"]
        if unit_code == "women" and rng.random() < 0.5:
            return self.users["port_staff"]
        return self.users.get(f"h_{unit_code}") or self.users["dispatcher"]

    def dispatcher(self, m: Matter) -> User:
        if m.area_path.startswith(self.xinda_path) and self.rng.random() < 0.5:
            return self.users["dispatcher_xinda"]
        return self.users["dispatcher"]

    # --- primitives: the actions, at a given time -------------------------------------------

    def event(self, life: _Life, at, actor, action, *, before=None, note="", unit=None, data=None,
              public=False, deferred=False) -> list:
        """Write an event (as a row: [at, seq, actor id, action, from, to, unit id, note, data,
        public, deferred]); `unit` is a unit id. Deferred events were written by someone else
        while the matter was being played: their status is looked up when the batch is written."""
        m = life.m
        e = [at, next(self.seq), actor.pk if actor is not None else None, action,
             m.status if before is None else before, m.status, unit, note, data or {}, public, deferred]
        life.events.append(e)
        return e

    def set_status(self, life: _Life, status: str, at) -> None:
        life.m.status = status
        life.history.append((at, status))

    def start_clock(self, life: _Life, due, start, since=None) -> None:
        """actions._start_clock; `since` is when the clock starts running (the sweep can only
        notice it from then on), `start` what the warning time is computed from."""
        m = life.m
        life.since = since or start
        m.due_at = due
        m.warn_at = deadlines.warn_time(start, due) if due else None
        m.warned_at = m.overdue_at = m.auto_supervised_at = m.escalated_at = None
        m.escalated_to_id = None

    def sweep(self, life: _Life, until) -> None:
        """What the per-minute deadline sweep writes before `until` (exclusive)."""
        m = life.m
        until = min(until, self.now)
        if m.due_at is None or m.status not in OPEN:
            return
        if m.warned_at is None and m.overdue_at is None and m.warn_at is not None:
            w = self.tick(max(m.warn_at, life.since))
            if w < m.due_at and w < until:
                m.warned_at = w
                self.event(life, w, None, A.WARNED, unit=m.unit_id, data={"due_at": m.due_at.isoformat()})
        if m.overdue_at is None:
            o = self.tick(max(m.due_at, life.since))
            if o >= until:
                return
            m.overdue_at = o
            self.event(life, o, None, A.OVERDUE, unit=m.unit_id, data={"due_at": m.due_at.isoformat()})
        if m.auto_supervised_at is None and m.unit_id is not None:
            s = m.overdue_at if not self.supervise_after else self.tick(m.overdue_at + self.supervise_after)
            if s < until:
                m.auto_supervised_at = s
                when = timezone.localtime(m.due_at, self.tz).strftime("%Y-%m-%d %H:%M")
                reason = _zh("Overdue: the deadline passed at %(when)s.", "已超期：办理时限已于%(when)s届满。") % {
                    "when": when}
                life.reply_kind = "accept" if m.status in (S.DISPATCHED, S.REOPENED) else "handle"
                self.supervise([life], s, actor=None, level=Supervision.Level.NORMAL,
                               origin=Supervision.Origin.SWEEP, reason=reason,
                               reply_due=self.add_limit(s, settings.SUPERVISION_REPLY_WORKDAYS,
                                                        LimitUnit.WORKDAYS).date())
        if m.escalated_at is None:
            e = self.tick(m.overdue_at + self.escalate_after)
            if e < until:
                target = self.escalation_target(m)
                m.escalated_at, m.escalated_to_id = e, target.pk
                self.event(life, e, None, A.ESCALATED, unit=m.unit_id, data={"to_area": target.name})

    def escalation_target(self, m: Matter) -> Area:
        path = m.area_path
        while len(path) > Area.steplen and path not in self.dispatcher_paths:
            path = path[: -Area.steplen]
        handling = self.area_by_path[path]
        return self.area_by_path[path[: -Area.steplen]] if handling.depth > 1 else handling

    def create(self, *, at, source, description, title="", category=None, area, harbor=None, address="",
               anonymous=False, name="", phone="", urgency=Urgency.NORMAL, created_by=None) -> _Life:
        rng = self.rng
        code = codes.tracking_code(at.date())
        while code in self.codes:
            code = codes.tracking_code(at.date())
        self.codes.add(code)
        check = codes.check_code()
        west, south, east, north = AREA_BOXES.get(area.code, AREA_BOXES["wuda"])
        m = Matter(
            tracking_code=code, check_code_hash=blind_index(check, kind="check"), source=source, title=title,
            description=description, category_id=category.pk if category else None,
            domain_id=category.domain_id if category else (harbor.domain_id if harbor else None),
            area_id=area.pk, area_path=area.path, harbor_id=harbor.pk if harbor else None, address=address,
            lat=round(rng.uniform(south, north), 6), lon=round(rng.uniform(west, east), 6), anonymous=anonymous,
            reporter_name="" if anonymous else name, reporter_phone=phone,
            reporter_phone_index=blind_index(phone) if phone else "", urgency=urgency, status=S.RECEIVED,
            created_by_id=created_by.pk if created_by else None, created_at=at, updated_at=at,
        )
        life = _Life(m)
        life.check = check
        self.event(life, at, created_by, A.CREATED, before="", public=True,
                   data={"source": source, "category": category.code if category else None, "demo": DEMO_MARK})
        self.batch.append(life)
        return life

    def dispatch(self, life: _Life, at, actor, unit: Unit, *, category=None, urgency=None, co_units=(), note=""):
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before, changes = m.status, {}
        if category is not None and category.pk != m.category_id:
            old = self.category_by_id[m.category_id].code if m.category_id else None
            changes["category"] = [old, category.code]
            m.category_id, m.domain_id = category.pk, category.domain_id
        if urgency and urgency != m.urgency:
            changes["urgency"] = [m.urgency, urgency]
            m.urgency = urgency
        if m.unit_id != unit.pk:
            changes["unit"] = [self.unit_by_id[m.unit_id].code if m.unit_id else None, unit.code]
        accept, resolve, ret = self.limits(m)
        m.unit_id, m.assignee_id, m.dispatched_at, m.accepted_at = unit.pk, None, at, None
        m.accept_late = False  # judged anew for each dispatch
        self.set_status(life, S.DISPATCHED, at)
        m.accept_due_at = self.add_limit(at, *accept)
        m.resolve_due_at = self.add_limit(at, *resolve)
        m.return_due_at = self.add_limit(at, *ret)
        self.start_clock(life, m.accept_due_at, at)
        m.updated_at = at
        life.co_units = [u for u in co_units if u.pk != unit.pk]
        if life.co_units:
            changes["co_units"] = [u.code for u in life.co_units]
        self.event(life, at, actor, A.DISPATCHED, before=before, unit=unit.pk, note=note, data=changes, public=True)

    def accept(self, life: _Life, at, actor) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before = m.status
        self.set_status(life, S.ACCEPTED, at)
        m.accepted_at = at
        m.accept_late = m.accept_late or bool(m.accept_due_at and at > m.accept_due_at)
        if m.assignee_id is None and actor.unit_id == m.unit_id:
            m.assignee_id = actor.pk
        self.start_clock(life, m.resolve_due_at, m.dispatched_at or at, since=at)
        m.updated_at = at
        self.event(life, at, actor, A.ACCEPTED, before=before, unit=m.unit_id, public=True)

    def return_(self, life: _Life, at, actor, reason: str) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before, unit = m.status, m.unit_id
        held = int((at - m.dispatched_at).total_seconds())
        self.set_status(life, S.RETURNED, at)
        m.assignee_id = None
        self.start_clock(life, None, at)
        m.updated_at = at
        self.event(life, at, actor, A.RETURNED, before=before, unit=unit, note=reason, data={"held_seconds": held})

    def note(self, life: _Life, at, actor, text: str, *, public=False) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before = m.status
        if m.status == S.ACCEPTED and actor.unit_id and actor.unit_id == m.unit_id:
            self.set_status(life, S.IN_PROGRESS, at)
            m.updated_at = at
        self.event(life, at, actor, A.NOTE, before=before, unit=actor.unit_id, note=text,
                   public=public)

    def request_extension(self, life: _Life, at, actor, days: int, reason: str) -> Extension:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        ext = Extension(matter=m, requested_by=actor, requested_at=at, reason=reason, days=days,
                        old_due_at=m.resolve_due_at, status=Extension.Status.REQUESTED)
        life.extensions.append(ext)
        e = self.event(life, at, actor, A.EXTENSION_REQUESTED, unit=m.unit_id, note=reason,
                       data={"days": days, "extension": None})
        life.fixups.append((e, "extension", ext))
        return ext

    def decide_extension(self, life: _Life, at, actor, ext: Extension, *, approve: bool, note: str) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        ext.decided_by, ext.decided_at, ext.decision_note = actor, at, note
        if approve:
            base = max(m.resolve_due_at or at, at)
            ext.status = Extension.Status.APPROVED
            ext.new_due_at = self.add_limit(base, ext.days, LimitUnit.WORKDAYS)
            m.resolve_due_at = ext.new_due_at
            self.start_clock(life, m.resolve_due_at, at)
            m.updated_at = at
        else:
            ext.status = Extension.Status.DENIED
        self.event(life, at, actor, A.EXTENSION_APPROVED if approve else A.EXTENSION_DENIED, unit=m.unit_id, note=note,
                   data={"days": ext.days, "new_due_at": ext.new_due_at.isoformat() if approve else None})

    def resolve(self, life: _Life, at, actor, result: str) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before = m.status
        self.set_status(life, S.RESOLVED, at)
        m.resolved_at, m.result = at, result
        m.resolve_late = m.resolve_late or bool(m.resolve_due_at and at > m.resolve_due_at)
        self.start_clock(life, None, at)
        m.updated_at = at
        self.event(life, at, actor, A.RESOLVED, before=before, unit=m.unit_id, note=result, public=True)

    def follow_up(self, life: _Life, at, actor, *, channel, contacted, solved, satisfaction, comment="") -> None:
        self.not_after_now(at)
        m = life.m
        life.follow_ups.append(FollowUp(matter=m, at=at, channel=channel, recorded_by=actor, contacted=contacted,
                                        solved=solved, satisfaction=satisfaction, comment=comment))
        before = m.status
        m.satisfaction = satisfaction
        m.updated_at = at
        self.event(life, at, actor, A.FOLLOW_UP, before=before, note=comment, public=True,
                   data={"contacted": contacted, "solved": solved, "satisfaction": satisfaction, "channel": channel})
        if not (satisfaction == SAT.UNSATISFIED or not solved):
            self.set_status(life, S.CLOSED, at)
            m.closed_at = at
            self.event(life, at, actor, A.CLOSED, before=before, public=True)
        elif m.reopen_count == 0:
            accept, resolve, _ret = self.limits(m)
            self.set_status(life, S.REOPENED, at)
            m.reopen_count += 1
            m.resolved_at, m.dispatched_at, m.accepted_at = None, at, None
            m.accept_due_at = self.add_limit(at, *accept)
            m.resolve_due_at = self.add_limit(at, *resolve)
            m.return_due_at = None
            self.start_clock(life, m.accept_due_at, at)
            self.event(life, at, actor, A.REOPENED, before=before, unit=m.unit_id, note=comment, public=True)
        else:
            life.reply_kind = "follow_up"
            self.supervise([life], at, actor=None, level=Supervision.Level.KEY, origin=Supervision.Origin.FOLLOW_UP,
                           reason=_zh("The reporter is still not satisfied after the matter was handled again.",
                                      "反映人对重新办理的结果仍不满意。"),
                           reply_due=self.add_limit(at, settings.SUPERVISION_REPLY_WORKDAYS,
                                                    LimitUnit.WORKDAYS).date())

    def close(self, life: _Life, at, actor, note="") -> None:
        self.not_after_now(at)
        m = life.m
        before = m.status
        self.set_status(life, S.CLOSED, at)
        m.closed_at = m.updated_at = at
        self.event(life, at, actor, A.CLOSED, before=before, note=note, public=True)

    def merge(self, life: _Life, at, actor, into: _Life) -> None:
        self.not_after_now(at)
        self.sweep(life, at)
        m = life.m
        before = m.status
        self.set_status(life, S.MERGED, at)
        life.main = into
        self.start_clock(life, None, at)
        m.updated_at = at
        self.event(life, at, actor, A.MERGED, before=before, data={"into": into.m.tracking_code}, public=True)
        self.event(into, at, actor, A.MERGED, data={"duplicate": m.tracking_code}, deferred=True)

    def reject(self, life: _Life, at, actor, reason: str) -> None:
        self.not_after_now(at)
        m = life.m
        before = m.status
        self.set_status(life, S.REJECTED, at)
        m.closed_at = m.updated_at = at
        self.start_clock(life, None, at)
        self.event(life, at, actor, A.REJECTED, before=before, note=reason, public=True)

    def supervise(self, lives, at, *, actor, level, origin, reason, reply_due) -> Supervision:
        self.not_after_now(at)
        if actor is not None:  # by a person: the sweep has done its rounds until now
            for life in lives:
                self.sweep(life, at)
        order = Supervision(level=level, origin=origin, unit=self.unit_by_id[lives[0].m.unit_id], issued_by=actor,
                            issued_at=at, reason=reason,
                            reply_due=reply_due, status=Supervision.Status.OPEN)
        self.orders.append((order, lives))
        for life in lives:
            m = life.m
            life.orders.append(order)
            m.supervised = True
            if actor is not None:
                m.updated_at = max(m.updated_at, at)
            e = self.event(life, at, actor, A.SUPERVISED, unit=m.unit_id, note=reason, deferred=True,
                           data={"supervision": None, "level": level, "reply_due": reply_due.isoformat()})
            life.fixups.append((e, "supervision", order))
        return order

    # --- one random matter --------------------------------------------------------------------

    def _created_at(self, source: str) -> datetime:
        rng = self.rng
        while True:
            age = rng.uniform(0, HISTORY_DAYS)
            # more matters lately (the platform is new), fewer at weekends
            if rng.random() > 0.55 + 0.45 * (1 - age / HISTORY_DAYS):
                continue
            day = (self.now - timedelta(days=age)).date()
            workday = self.is_workday(day)
            if source in (SRC.PATROL, SRC.WALK_IN):
                if not workday:
                    continue
                minute = rng.choice([rng.uniform(8.5 * 60, 11.9 * 60), rng.uniform(14.5 * 60, 17.9 * 60)])
            elif source == SRC.HOTLINE:
                if not workday and rng.random() < 0.3:
                    continue
                minute = rng.choice([rng.uniform(8 * 60, 12 * 60), rng.uniform(13 * 60, 18.5 * 60),
                                     rng.uniform(18.5 * 60, 22 * 60), rng.uniform(0, 24 * 60)])
            else:
                if not workday and rng.random() < 0.15:
                    continue
                minute = rng.choice([rng.uniform(7 * 60, 12 * 60), rng.uniform(12 * 60, 18 * 60),
                                     rng.uniform(18 * 60, 23.5 * 60), rng.uniform(19 * 60, 22.5 * 60)])
            at = datetime.combine(day, time(int(minute // 60), int(minute % 60), rng.randint(0, 59)),
                                  tzinfo=self.tz)
            if at < self.now - timedelta(minutes=5):
                return at

    def _place(self, community: str, entry: dict) -> dict:
        rng = self.rng
        places = PLACES[community]
        compound, compound_area = rng.choice(places["compounds"])
        road, road2 = rng.sample(places["roads"], 2)
        return {
            "compound": compound, "compound_area": compound_area, "bld": f"{rng.randint(1, 28)}号楼",
            "room": f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}", "road": road,
            "road2": road2, "cross": f"{road}与{road2}交叉口", "spot": rng.choice(places["spots"]),
            "school": rng.choice(places.get("schools") or ["乌达区实验中学"]), "firm": rng.choice(FIRMS),
            "shop": rng.choice(entry.get("shops") or SHOPS), "money": rng.choice(["3800元", "1.2万元", "5600元", "2万多元"]),
            "money2": rng.choice(["800元", "1500元", "2000元", "3000元"]),
            "wage": rng.choice(["2万多元", "1.8万元", "9600元", "3万多元", "4.6万元"]),
            "months": rng.choice(["两个月", "三个月", "四个月"]), "n2": rng.randint(2, 12), "n3": rng.randint(1, 5),
            "unitname": rng.choice(PRAISE_UNITS),
        }

    def _where(self, community: str, template: str, ctx: dict, grid: str | None = None) -> tuple[Area, str]:
        """The area and the address a text talks about."""
        rng = self.rng
        sub = self.areas[community.rsplit(".", 1)[0]].name
        if "{compound}" in template:
            suffix = ctx["compound_area"]
            code = f"{community}.{suffix}" if suffix else rng.choice(self.grids[community])
            address = f"{sub}{ctx['compound']}" + (ctx["bld"] if "{bld}" in template else "")
            return self.areas[code], address
        grid = self.areas[grid or rng.choice(self.grids[community])]
        if "{school}" in template:
            return self.areas[community], f"{ctx['school']}门口"
        if "{cross}" in template:
            return grid, f"{sub}{ctx['cross']}"
        if "{firm}" in template:
            return grid, f"{sub}{ctx['firm']}"
        if "{shop}" in template:
            return grid, f"{sub}{ctx['road']}{rng.randint(1, 120)}号"
        if "{spot}" in template:
            return grid, f"{sub}{ctx['spot']}"
        if "{road}" in template:
            return grid, f"{sub}{ctx['road']}{rng.randint(1, 120)}号附近"
        return grid, ""

    def _harbor_for(self, area: Area, category: Category) -> Harbor:
        best, best_depth = self.harbors.get("wuda-command-centre"), 0
        for harbor in self.harbors.values():
            if not area.path.startswith(harbor.area.path):
                continue
            fits = harbor.domain_id == category.domain_id or harbor.domain.code in ("community", "estate")
            if fits and harbor.area.depth > best_depth:
                best, best_depth = harbor, harbor.area.depth
        return best

    def random_matter(self, code: str | None = None) -> _Life:
        """One matter as people report it; `code` forces the category (and a staff channel)."""
        rng = self.rng
        forced = code is not None
        code = code or _pick(rng, self.cat_weights)
        entry, category = TEXTS[code], self.categories[code]
        where = entry.get("where", "any")
        if where in WHERE:
            community = _pick(rng, WHERE[where])
        else:
            community = _pick(rng, {c: p["weight"] for c, p in PLACES.items()
                                    if where != "urban" or not c.startswith("wuda.wulannaoer")})
        sources = {SRC.WEB: 30, SRC.QR: 14, SRC.HOTLINE: 36, SRC.WALK_IN: 8}
        if entry["patrol"]:
            sources[SRC.PATROL] = 14
        source = _pick(rng, sources) if not forced else SRC.HOTLINE
        at = self._created_at(source)
        if not forced and source != SRC.PATROL and rng.random() < 0.02:
            return self._rejected_matter(at, source, community)
        winter = at.month in (11, 12, 1, 2, 3) or (at.month == 10 and at.day >= 15) or (at.month == 4 and at.day <= 15)
        resident = source in (SRC.WEB, SRC.QR)
        pool = [(topic, t) for topic in entry["topics"] for t in topic["r" if resident else "o"]
                if winter or not (isinstance(t, tuple) and t[-1] == "winter")]
        topic, chosen = rng.choice(pool)
        ctx = self._place(community, entry)
        grid = None
        if source == SRC.PATROL and community == "wuda.xinda.yongchang" and rng.random() < 0.8:
            ctx["compound"], ctx["compound_area"], grid = "永昌佳苑小区", "g1.yczy", "wuda.xinda.yongchang.g1"
        urgency = Urgency.NORMAL
        if resident:
            template = chosen if isinstance(chosen, str) else chosen[0]
            if isinstance(chosen, tuple) and len(chosen) > 1:
                urgency = chosen[1]
            core = template.format_map(ctx)
            tail = rng.choice(R_TAILS)
            description = rng.choice(R_PREFIXES) + core + ("" if not tail or core[-1] in "！？。" else "，") + tail
            title = ""
        else:
            title_t, template = chosen[0], chosen[1]
            if len(chosen) > 2:
                urgency = chosen[2]
            title = title_t.format_map(ctx)
            core = template.format_map(ctx)
            description = rng.choice(WRAPS[source]).format(fact=core, demand=rng.choice(entry["demand"]))
        if urgency == Urgency.NORMAL and rng.random() < entry.get("complex", 0.0):
            urgency = Urgency.COMPLEX
        area, address = self._where(community, template, ctx, grid)
        if resident and rng.random() < 0.15:
            address = ""  # not everybody fills in the place
        harbor, created_by = None, None
        if source in (SRC.QR, SRC.WALK_IN):
            harbor = (self.harbors[SCHOOL_HARBOR] if where == "school" and community == SCHOOL_AREA
                      else self._harbor_for(area, category))
        if source == SRC.HOTLINE:
            created_by = self.users["dispatcher"]
        elif source == SRC.WALK_IN:
            created_by = self._harbor_staff(harbor)
        elif source == SRC.PATROL:
            if area.path.startswith(self.grid_worker_path):
                created_by = self.users["grid_worker"]
            elif where == "school" and community == SCHOOL_AREA:
                created_by, harbor = self.users["school_safety"], self.harbors[SCHOOL_HARBOR]
            elif area.path.startswith(self.xinda_path):
                created_by = self.users["dispatcher_xinda"]
            else:
                created_by = self.users["dispatcher"]
        anonymous, name, phone = self._reporter(source)
        # Staff classify when they register; residents' reports are classified at dispatch.
        life = self.create(at=at, source=source, description=description, title=title,
                           category=None if resident else category, area=area, harbor=harbor, address=address,
                           anonymous=anonymous, name=name, phone=phone,
                           urgency=Urgency.NORMAL if resident else urgency, created_by=created_by)
        plan = self._plan(life, category, urgency, entry, topic)
        plan.ctx = ctx
        self.play(life, plan)
        if code in DUPLICABLE and rng.random() < 0.06:
            self._duplicates(life, plan, core)
        return life

    def _reporter(self, source: str) -> tuple[bool, str, str]:
        """(anonymous, name, phone): grid patrols have no reporter; hotline callers have a number."""
        rng = self.rng
        if source == SRC.PATROL:
            return False, "", ""
        anonymous = rng.random() < {SRC.WEB: 0.2, SRC.QR: 0.15, SRC.HOTLINE: 0.08}.get(source, 0.03)
        name = "" if anonymous else self.person(polite=0.45 if source == SRC.HOTLINE else 0.2)
        phone = self.phone() if not anonymous or source == SRC.HOTLINE or rng.random() < 0.3 else ""
        return anonymous, name, phone

    def _rejected_matter(self, at, source: str, community: str) -> _Life:
        """Something the platform cannot act on, rejected (不予受理) at triage."""
        rng = self.rng
        text, reason = rng.choice([r for r in REJECTS if source == SRC.HOTLINE or not r[0].startswith("（来电")])
        created_by = None
        if source in (SRC.HOTLINE, SRC.WALK_IN):
            if not text.startswith("（"):
                text = ("来电人称：" if source == SRC.HOTLINE else "来访人称：") + text
            created_by = self.users["dispatcher"]
        area = self.areas[rng.choice(self.grids[community])]
        anonymous, name, phone = self._reporter(source)
        harbor = self.harbors["wuda-command-centre"] if source in (SRC.QR, SRC.WALK_IN) else None
        life = self.create(at=at, source=source, description=text, area=area, harbor=harbor, anonymous=anonymous,
                           name=name, phone=phone, created_by=created_by)
        t = self._triage_time(at, False)
        if t < self.now:
            self.reject(life, t, self.dispatcher(life.m), reason)
        return life

    def _harbor_staff(self, harbor: Harbor | None) -> User:
        if harbor is None or harbor.code == "wuda-command-centre":
            return self.users["dispatcher"]
        if harbor.code == COMMUNITY_HARBOR:
            return self.users["harbor_staff"]
        if harbor.code == SCHOOL_HARBOR:
            return self.users["school_safety"]
        host = harbor.host_unit
        return self.users["unit_handler"] if host.code == "police" else self.users.get(f"h_{host.code}",
                                                                                           self.users["dispatcher"])

    def _plan(self, life: _Life, category: Category, urgency: str, entry: dict, topic: dict) -> SimpleNamespace:
        rng, m = self.rng, life.m
        age_days = (self.now - m.created_at).total_seconds() / 86400
        unit = category.default_unit
        co = entry.get("co")
        co_units = [self.units[co[0]]] if co and co[0] in self.units and rng.random() < co[1] else []
        stuck = None
        if age_days < 25 and rng.random() < 0.08:
            stuck = "accept" if rng.random() < 0.4 else "resolve"
        return SimpleNamespace(
            category=category, unit=unit, urgency=urgency, co_units=co_units,
            misroute=MISROUTES.get(category.code) if rng.random() < 0.06 else None,
            late_accept=rng.random() < 0.04, late_resolve=rng.random() < (0.1 if urgency == Urgency.COMPLEX else 0.06),
            extension=(rng.random() < 0.75) if urgency not in FAST and rng.random() < 0.05 else None,
            supervise=rng.random() < 0.004, stuck=stuck,
            notes=topic.get("notes", []) + entry["notes"] or ["正在办理中"], results=topic["results"],
        )

    def _triage_time(self, t, fast: bool) -> datetime:
        rng = self.rng
        if fast:
            return t + timedelta(minutes=rng.uniform(3, 25))
        return self.business(t, rng.triangular(5, 240, 30))

    def play(self, life: _Life, plan) -> None:
        """Play a matter forward from its creation until it ends or `now` stops it."""
        rng, m, now = self.rng, life.m, self.now
        fast = plan.urgency in FAST
        t = self._triage_time(m.created_at, fast)
        if t >= now:
            return
        dispatcher = self.dispatcher(m)
        if plan.misroute and plan.misroute[0] in self.units and plan.misroute[0] != plan.unit.code:
            wrong = self.units[plan.misroute[0]]
            self.dispatch(life, t, dispatcher, wrong, category=plan.category, urgency=plan.urgency)
            t_back = self.business(t, rng.triangular(10, 300, 60)) if not fast else t + timedelta(minutes=30)
            t_back = min(t_back, m.return_due_at - timedelta(minutes=rng.randint(3, 30)))
            if t_back >= now:
                return
            self.return_(life, t_back, self.handler(wrong.code, m), plan.misroute[1])
            t = self._triage_time(t_back, fast)
            if t >= now:
                return
        note = rng.choice(DISPATCH_NOTES) if rng.random() < 0.25 else ""
        self.dispatch(life, t, dispatcher, plan.unit, category=plan.category, urgency=plan.urgency,
                      co_units=plan.co_units, note=note)
        life.handler = self.handler(plan.unit.code, m)
        if plan.stuck == "accept":
            return
        self._handle(life, plan, t, dispatcher)

    def _accept_time(self, life: _Life, start, fast: bool, late: bool) -> datetime:
        rng, m = self.rng, life.m
        if late:
            return self.business(m.accept_due_at, rng.uniform(20, 900))
        if fast:
            return start + timedelta(minutes=rng.uniform(3, 40))
        return self.business(start, rng.triangular(3, 400, 40))

    def _resolve_time(self, life: _Life, after, late: bool) -> datetime:
        rng, m = self.rng, life.m
        fraction = rng.uniform(1.03, 1.6) if late else min(rng.betavariate(1.6, 2.6) * 1.02, 0.97)
        (_a, resolve, _r) = self.limits(m)
        if resolve[1] == LimitUnit.HOURS:
            span = (m.resolve_due_at - m.dispatched_at).total_seconds() / 60
            t = m.dispatched_at + timedelta(minutes=fraction * span)
            return max(t, after + timedelta(minutes=rng.uniform(10, 40)))
        t = self.business(m.dispatched_at, fraction * resolve[0] * 420)
        return max(t, self.business(after, rng.uniform(20, 120)))

    def _handle(self, life: _Life, plan, t_dispatch, dispatcher) -> None:
        rng, m, now = self.rng, life.m, self.now
        fast = m.urgency in FAST
        t_acc = self._accept_time(life, t_dispatch, fast, plan.late_accept)
        if t_acc >= now:
            return
        handler = life.handler
        self.accept(life, t_acc, handler)
        t_res = self._resolve_time(life, t_acc, plan.late_resolve)
        steps = []
        n_notes = rng.choice([0, 1, 1, 1, 2, 2, 3])
        span = (t_res - t_acc).total_seconds()
        notes = rng.sample(plan.notes, len(plan.notes)) + rng.sample(PROGRESS_NOTES, len(PROGRESS_NOTES))
        for i, when in enumerate(sorted(rng.uniform(0.05, 0.9) for _ in range(n_notes))):
            steps.append((t_acc + timedelta(seconds=span * when), "note", self._fill(notes[i], plan.ctx)))
        for co_unit in life.co_units:
            if rng.random() < 0.6:
                who = self.handler(co_unit.code, m)
                if who.unit_id == co_unit.pk:
                    steps.append((t_acc + timedelta(seconds=span * rng.uniform(0.1, 0.8)), "co_note",
                                  (who, CO_NOTES.get(co_unit.code, "已配合开展工作"))))
        if plan.supervise:
            steps.append((t_acc + timedelta(seconds=span * rng.uniform(0.2, 0.7)), "supervise", None))
        if plan.extension is not None:
            t_req = t_acc + timedelta(seconds=span * rng.uniform(0.4, 0.8))
            if m.resolve_due_at and t_req < m.resolve_due_at:
                steps.append((t_req, "extension", plan.extension))
        order = itertools.count()
        heap = [(at, next(order), kind, payload) for at, kind, payload in steps]
        heapq.heapify(heap)
        last = t_acc
        while heap:
            at, _n, kind, payload = heapq.heappop(heap)
            if at >= now:
                return
            last = at
            if kind == "note":
                self.note(life, at, handler, payload, public=rng.random() < 0.3)
            elif kind == "co_note":
                self.note(life, at, payload[0], payload[1])
            elif kind == "supervise":
                self.supervise([life], at, actor=self.users["leader"], level=Supervision.Level.KEY,
                               origin=Supervision.Origin.MANUAL,
                               reason=rng.choice(["群众反映强烈，请加大办理力度，按时办结并书面报告",
                                                  "该事项已多次反映，请主要负责同志亲自过问，限期办结"]),
                               reply_due=self.add_limit(at, 3, LimitUnit.WORKDAYS).date())
            elif kind == "extension":
                days = rng.choice([3, 5, 5, 7, 10])
                ext = self.request_extension(life, at, handler, days, rng.choice(EXT_REASONS))
                t_dec = self.business(at, rng.triangular(20, 400, 90))
                heapq.heappush(heap, (t_dec, next(order), "decide", (ext, payload, days)))
            elif kind == "decide":
                ext, approve, days = payload
                self.decide_extension(life, at, dispatcher, ext, approve=approve,
                                      note=rng.choice(EXT_APPROVE if approve else EXT_DENY))
                if approve:
                    t_res = max(t_res, self.business(at, rng.uniform(0.2, 0.9) * days * 420))
        t_res = max(t_res, last + timedelta(minutes=rng.uniform(5, 20)) if fast
                    else self.business(last, rng.uniform(15, 90)))
        if plan.stuck == "resolve" or t_res >= now:
            return
        self.resolve(life, t_res, handler, self._fill(rng.choice(plan.results), plan.ctx))
        self._after_resolve(life, plan, t_res, dispatcher)

    def _fill(self, text: str, ctx: dict) -> str:
        """A result or note with the matter's places and fresh numbers."""
        rng = self.rng
        return text.format_map(dict(ctx, n2=rng.randint(2, 12), n3=rng.randint(1, 5),
                                    money2=rng.choice(["800元", "1200元", "1500元", "2000元", "3000元"])))

    def _after_resolve(self, life: _Life, plan, t_res, dispatcher) -> None:
        rng, m, now = self.rng, life.m, self.now
        web = m.source in (SRC.WEB, SRC.QR)
        reachable = bool(m.reporter_phone) or web or m.source == SRC.PATROL
        if m.source == SRC.PATROL and not m.area_path.startswith(self.grid_worker_path):
            t = self.business(t_res, rng.triangular(60, 1500, 300))
            if t < now:
                self.close(life, t, dispatcher, rng.choice(CLOSE_PATROL))
            return
        if web and rng.random() < 0.3:
            t, channel, actor = t_res + timedelta(hours=rng.uniform(1, 72)), FollowUp.Channel.WEB, None
        elif m.source == SRC.PATROL or (m.area_path.startswith(self.yongchang_path) and rng.random() < 0.25):
            t, channel = self.business(t_res, rng.triangular(60, 1500, 400)), FollowUp.Channel.VISIT
            actor = (self.users["grid_worker"] if m.area_path.startswith(self.grid_worker_path)
                     else self.users["harbor_staff"])
        else:
            t, channel, actor = self.business(t_res, rng.triangular(30, 1800, 300)), FollowUp.Channel.PHONE, dispatcher
        if t >= now:
            return
        if not reachable or (channel == FollowUp.Channel.PHONE and rng.random() < 0.04):
            self.close(life, t, dispatcher, rng.choice(CLOSE_ANONYMOUS if not reachable else CLOSE_UNREACHABLE))
            return
        second = m.reopen_count > 0
        weights = {SAT.SATISFIED: 45, SAT.BASIC: 35, SAT.UNSATISFIED: 20} if second else \
            {SAT.SATISFIED: 78, SAT.BASIC: 14, SAT.UNSATISFIED: 8}
        satisfaction = _pick(rng, weights)
        solved = satisfaction != SAT.UNSATISFIED or rng.random() < 0.2
        if satisfaction == SAT.BASIC and rng.random() < 0.05:
            solved = False
        contacted = rng.random() < (0.7 if satisfaction == SAT.UNSATISFIED else 0.97)
        self.follow_up(life, t, actor, channel=channel, contacted=contacted, solved=solved,
                       satisfaction=satisfaction, comment=rng.choice(FU_COMMENTS[satisfaction]))
        if m.status == S.CLOSED and satisfaction == SAT.SATISFIED:
            self.remember_praise(m)
        if m.status == S.REOPENED:
            plan.late_accept = rng.random() < 0.05
            plan.late_resolve = rng.random() < 0.08
            plan.extension = plan.supervise = None
            plan.results = ["（重办）" + r for r in plan.results]
            self._handle(life, plan, t, dispatcher)
        elif m.status == S.RESOLVED:  # still unhappy after the second round: supervised, then archived
            t_close = self.business(t, rng.uniform(3, 6) * 420)
            if t_close < now:
                self.close(life, t_close, dispatcher, rng.choice(CLOSE_AFTER_SUPERVISION))

    def _duplicates(self, main: _Life, plan, text: str) -> None:
        """Other people reporting the same incident within the next hours; merged at triage."""
        rng, now = self.rng, self.now
        m = main.m
        for _ in range(rng.choice([1, 1, 2, 3])):
            at = m.created_at + timedelta(minutes=rng.uniform(5, 150))
            if at >= now:
                return
            source = rng.choice([SRC.WEB, SRC.HOTLINE, SRC.QR])
            if source == SRC.HOTLINE:
                description = rng.choice(QUOTE_WRAPS).format(text=text)
            else:
                tail = rng.choice(R_TAILS)
                description = rng.choice(R_PREFIXES) + text + ("，" + tail if tail else "")
            anonymous = rng.random() < 0.2
            dup = self.create(at=at, source=source, description=description, area=self.area_by_id[m.area_id],
                              harbor=self.harbor_by_id.get(m.harbor_id) if source == SRC.QR else None,
                              address=m.address,
                              anonymous=anonymous, name="" if anonymous else self.person(),
                              phone=self.phone() if source == SRC.HOTLINE or not anonymous else "",
                              category=plan.category if source == SRC.HOTLINE else None,
                              created_by=self.users["dispatcher"] if source == SRC.HOTLINE else None)
            t = self._triage_time(at, plan.urgency in FAST)
            if main.status_at(t) == S.RECEIVED:  # reached together with the main matter
                left = [when for when, status in main.history if status != S.RECEIVED]
                if not left:
                    continue  # nobody has looked at the incident yet: all wait in the inbox
                t = left[0] + timedelta(minutes=rng.uniform(1, 10))
            if t < now and main.status_at(t) not in (S.MERGED, S.REJECTED):
                self.merge(dup, t, self.dispatcher(dup.m), main)

    # --- batches -----------------------------------------------------------------------------

    def finish(self, life: _Life) -> None:
        """Run the sweep up to now and put the events in order."""
        self.sweep(life, self.now + timedelta(seconds=1))

    def _close_orders(self) -> None:
        rng, now = self.rng, self.now
        for order, lives in self.orders:
            unit_code = self.unit_by_id[order.unit_id].code
            r = self.business(order.issued_at, rng.triangular(40, 1100, 300))
            if rng.random() < 0.1:
                r = self.business(r, rng.uniform(300, 900))
            if r >= now:
                continue
            first = lives[0]
            order.status = Supervision.Status.REPLIED
            order.replied_by = (first.handler if first.handler and first.handler.unit_id == order.unit_id
                                else self.handler(unit_code, first.m))
            order.replied_at = r
            order.reply = rng.choice(REPLY_TEXTS[first.reply_kind])
            for life in lives:
                e = self.event(life, r, order.replied_by, A.SUPERVISION_REPLIED, unit=order.unit_id, note=order.reply,
                               data={"supervision": None}, deferred=True)
                life.fixups.append((e, "supervision", order))
            ends = [lf.m.resolved_at or lf.m.closed_at for lf in lives]
            if any(end is None for end in ends) or any(lf.m.status in OPEN for lf in lives):
                continue
            c = self.business(max([r, *ends]), rng.triangular(30, 1500, 240))
            if c < now:
                order.status, order.closed_at = Supervision.Status.CLOSED, c
        for life in self.batch:
            life.m.supervised = any(o.status != Supervision.Status.CLOSED for o in life.orders)

    def flush(self) -> None:
        if not self.batch:
            return
        for life in self.batch:
            self.finish(life)
        self._close_orders()
        lives = self.batch
        primary = [lf.m for lf in lives if lf.main is None]
        dups = [lf for lf in lives if lf.main is not None]
        with transaction.atomic():
            Matter.objects.bulk_create(primary, batch_size=self.batch_size)
            for lf in dups:
                lf.m.merged_into = lf.main.m
            Matter.objects.bulk_create([lf.m for lf in dups], batch_size=self.batch_size)
            through = Matter.co_units.through
            through.objects.bulk_create([through(matter_id=lf.m.pk, unit_id=u.pk) for lf in lives for u in lf.co_units],
                                        batch_size=self.batch_size)
            extensions = [e for lf in lives for e in lf.extensions]
            Extension.objects.bulk_create(extensions, batch_size=self.batch_size)
            follow_ups = [f for lf in lives for f in lf.follow_ups]
            FollowUp.objects.bulk_create(follow_ups, batch_size=self.batch_size)
            orders = [o for o, _l in self.orders]
            Supervision.objects.bulk_create(orders, batch_size=self.batch_size)
            link = Supervision.matters.through
            link.objects.bulk_create([link(supervision_id=o.pk, matter_id=lf.m.pk) for o, ls in self.orders for lf in ls],
                                     batch_size=self.batch_size)
            events = self._write_events(lives)
            Decision.objects.bulk_create(self.decisions, batch_size=self.batch_size)
        st = self.stats
        st.matters += len(lives)
        st.events += events
        st.extensions += len(extensions)
        st.follow_ups += len(follow_ups)
        st.supervisions += len(orders)
        st.decisions += len(self.decisions)
        for lf in lives:
            st.by_status[lf.m.status] = st.by_status.get(lf.m.status, 0) + 1
        self.batch, self.orders, self.decisions = [], [], []
        if self.stdout is not None and st.matters % (self.batch_size * 4) < len(lives):
            self.stdout.write(f"  … {st.matters} matters, {st.events} events\n")

    def _write_events(self, lives) -> int:
        """INSERT the events of a batch with executemany: they are four rows in five, and
        bulk_create's per-value SQL compilation would be most of the loading time."""
        meta = MatterEvent._meta
        names = ["matter", "at", "actor", "action", "from_status", "to_status", "unit", "note", "data", "public"]
        columns = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
        sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
               f"VALUES ({', '.join(['%s'] * len(names))})")
        adapt_at, data_field = connection.ops.adapt_datetimefield_value, meta.get_field("data")
        rows = []
        for lf in lives:
            for e, key, obj in lf.fixups:
                e[8][key] = obj.pk
            lf.events.sort(key=lambda e: (e[0], e[1]))
            pk = lf.m.pk
            for at, _seq, actor, action, before, after, unit, note, data, public, deferred in lf.events:
                if deferred:
                    before = after = lf.status_at(at)
                rows.append((pk, adapt_at(at), actor, action, before, after, unit, note,
                             data_field.get_db_prep_save(data, connection), public))
        with connection.cursor() as cursor:
            for i in range(0, len(rows), 10_000):
                cursor.executemany(sql, rows[i:i + 10_000])
        return len(rows)

    # --- scripted stories (docs/scenarios.md) ----------------------------------------------------

    def showcase(self) -> None:
        """The stories of docs/scenarios.md, and one matter in each open state. A story that
        would run past now (loaded during a long holiday, say) stops where now is."""
        for story in (self._leaking_ceiling, self._burst_pipe, self._holiday_silence, self._misrouted_vendor,
                      self._wage_caller, self._school_gate, self._open_states, self._listed_supervision,
                      self._still_unhappy, self._meetings):
            try:
                story()
            except _Later:
                pass

    def _leaking_ceiling(self) -> None:
        """Scenario 1: 王阿姨's leaking ceiling, resolved in 3 working days, 基本满意."""
        u = self.users
        created = self.workday_at(16, 9, 12)
        area = self.areas["wuda.xinda.yongchang.g1.yczy"]
        life = self.create(at=created, source=SRC.QR, description="楼上卫生间漏水，我家天花板都泡了，找了好几次没人管",
                           area=area, harbor=self.harbors[COMMUNITY_HARBOR], address="新达街道永昌佳苑小区5号楼2单元402",
                           name="王桂兰", phone="13904735216")
        t = self.business(created, 35)
        self.dispatch(life, t, u["dispatcher_xinda"], self.units["justice"],
                      category=self.categories["dispute.neighbor"], co_units=[self.units["community_office"]],
                      note="邻里漏水纠纷，请调解员联系双方，社区配合")
        life.handler = u["mediator"]
        t = self.business(t, 40)
        self.accept(life, t, u["mediator"])
        t = self.business(t, 50)
        self.note(life, t, u["mediator"], "已电话联系王阿姨和楼上住户，约定明天上午到现场查看", public=True)
        t = self.business(t, 420)
        self.note(life, t, u["mediator"], "现场查看：楼上卫生间防水层老化，已联系物业维修师傅检测")
        self.note(life, self.business(t, 30), u["h_community_office"], CO_NOTES["community_office"])
        t = self.business(life.m.dispatched_at, 3 * 420 - 50)
        self.resolve(life, t, u["mediator"],
                     "经调解，楼上住户同意重做卫生间防水，并承担王阿姨家天花板修复费用1200元，双方签订人民调解协议书")
        t = self.business(t, 300)
        self.follow_up(life, t, u["harbor_staff"], channel=FollowUp.Channel.PHONE, contacted=True, solved=True,
                       satisfaction=SAT.BASIC, comment="问题解决了，就是前面拖了挺久")
        self.remember_praise(life.m)
        self.stats.showcase["leaking_ceiling"] = (life.m.tracking_code, life.check)

    def _burst_pipe(self) -> None:
        """Scenario 2: five people report one burst pipe within an hour; none merged yet."""
        u = self.users
        t0 = self.now - timedelta(minutes=80)
        g2, compound = self.areas["wuda.xinda.tuanjie.g2"], self.areas["wuda.xinda.tuanjie.g1.tuanjie"]
        police_harbor = self.harbors.get("xinda-police-station")
        addr = "新达街道团结路与建设路交叉口"
        facilities = self.categories["estate.facilities"]
        reports = [
            dict(at=t0, source=SRC.WEB, area=g2, address=addr, name="张建华", phone="13847316650",
                 description="团结路与建设路交叉口自来水管爆裂，水流到马路上，已经淹到人行道了，快来人看看"),
            dict(at=t0 + timedelta(minutes=9), source=SRC.HOTLINE, area=g2, address=addr, name="刘女士",
                 phone="15947302281", category=facilities, urgency=Urgency.UTILITY, created_by=u["dispatcher"],
                 title="团结路建设路口供水管道爆裂",
                 description="来电人反映：团结路与建设路交叉口东南角地下供水管道爆裂，水往外冒了有半米高，路面大面积积水，"
                             "过往车辆溅水。诉求：请尽快派人抢修。"),
            dict(at=t0 + timedelta(minutes=21), source=SRC.QR, area=g2, address="新达街道建设路团结路口",
                 harbor=police_harbor, name="", phone="", anonymous=True,
                 description="建设路和团结路路口水管子爆了，水哗哗往外冒，车都绕着走，赶紧来人吧"),
            dict(at=t0 + timedelta(minutes=34), source=SRC.HOTLINE, area=compound, address="新达街道团结小区3号楼",
                 name="陈国庆", phone="18647309934", category=facilities, urgency=Urgency.UTILITY,
                 created_by=u["dispatcher"], title="团结小区停水（团结路建设路口跑水）",
                 description="来电人称建设路团结路口附近自来水“跑水”，其所在的团结小区3号楼已经停水，要求尽快恢复供水。"),
            dict(at=t0 + timedelta(minutes=52), source=SRC.WEB, area=g2, address="团结路", name="", phone="",
                 anonymous=True, description="团结路上发大水了！！路口那个井往外喷水，车都开不过去了"),
        ]
        lives = [self.create(**r) for r in reports]
        self.stats.showcase["burst_pipe"] = [lf.m.tracking_code for lf in lives]

    def _holiday_silence(self) -> None:
        """Scenario 3: dispatched before a long holiday, not accepted in time; sweep, supervision, reply."""
        u = self.users
        day = self.now.date() - timedelta(days=15)
        found = None
        while day > self.now.date() - timedelta(days=HISTORY_DAYS - 10):
            run = 0
            probe = day
            while not self.is_workday(probe):
                run += 1
                probe -= timedelta(days=1)
            if run >= 3:
                found = probe  # the last working day before the holiday
                break
            day -= timedelta(days=1)
        if found is None:
            return
        created = datetime.combine(found, time(15, 20), tzinfo=self.tz)
        area = self.areas["wuda.xinda.jianshe.g2.binhe"]
        life = self.create(at=created, source=SRC.HOTLINE, created_by=u["dispatcher"], title="滨河花园小区地下车库积水",
                           category=self.categories["estate.facilities"], area=area,
                           address="新达街道滨河花园小区地下车库", name="孙先生", phone="13514738820",
                           description="来电人反映：滨河花园小区地下车库排水泵损坏，车库积水有二十多公分深，多辆车被泡。"
                                       "诉求：请督促物业尽快维修排水设施。")
        t = created + timedelta(minutes=50)
        self.dispatch(life, t, u["dispatcher"], self.units["housing"])
        life.handler = u["h_housing"]
        life.reply_kind = "accept"
        t_acc = self.business(life.m.accept_due_at, 150)
        self.accept(life, t_acc, u["h_housing"])
        t = self.business(t_acc, 120)
        self.note(life, t, u["h_housing"], "已约谈物业公司，排水泵已送修，临时调来两台抽水泵抽水", public=True)
        t = self.business(t, 700)
        self.resolve(life, t, u["h_housing"], "地下车库积水已全部抽排，排水泵已更换，物业对受损车辆进行了登记协商赔偿")
        t = self.business(t, 240)
        self.follow_up(life, t, u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True, solved=True,
                       satisfaction=SAT.SATISFIED, comment="后面处理得挺快")
        self.stats.showcase["holiday_silence"] = life.m.tracking_code

    def _misrouted_vendor(self) -> None:
        """Scenario 4: market supervision returns a street-vendor matter within the day."""
        u = self.users
        created = self.workday_at(21, 10, 5)
        area = self.areas["wuda.xinda.jianshe.g1"]
        life = self.create(at=created, source=SRC.HOTLINE, created_by=u["dispatcher"], title="建设路人民路口占道卖水果",
                           category=self.categories["market.street_vendor"], area=area,
                           address="新达街道建设路与人民路交叉口", name="周女士", phone="13604738126",
                           description="来电人反映：建设路与人民路交叉口有人开着三轮车卖水果，摊子摆到机动车道上，早晚高峰"
                                       "堵得厉害。诉求：请相关部门处理。")
        t = self.business(created, 20)
        self.dispatch(life, t, u["dispatcher"], self.units["market"])
        t = self.business(t, 140)
        self.return_(life, t, u["h_market"], "属于占道经营，应由综合执法局处理")
        t = self.business(t, 25)
        self.dispatch(life, t, u["dispatcher"], self.units["urban_enforcement"], note="已改派，请及时签收")
        life.handler = u["h_urban_enforcement"]
        t = self.business(t, 30)
        self.accept(life, t, u["h_urban_enforcement"])
        t = self.business(t, 200)
        self.note(life, t, u["h_urban_enforcement"], "执法队员已到场，劝导摊主将三轮车移至人行道内侧", public=True)
        t = self.business(t, 600)
        self.resolve(life, t, u["h_urban_enforcement"], "已劝离占道摊贩，引导其到建设路便民市场固定摊位经营，早晚高峰安排队员巡查")
        t = self.business(t, 300)
        self.follow_up(life, t, u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True, solved=True,
                       satisfaction=SAT.SATISFIED)
        self.stats.showcase["misrouted_vendor"] = life.m.tracking_code

    def _wage_caller(self) -> None:
        """Scenario 5: a caller phoned twice last week about wages (same phone number)."""
        u = self.users
        phone, name = "13947306618", "赵建军"
        area = self.areas["wuda.xinda.tuanjie.g3"]
        labor = self.categories["dispute.labor"]
        first_at = self.workday_at(8, 20, 40)
        life = self.create(at=first_at, source=SRC.HOTLINE, created_by=u["dispatcher"], title="拖欠农民工工资",
                           category=labor, area=area, address="新达街道团结路在建工地", name=name, phone=phone,
                           description="来电人反映：其在团结路一在建工地务工，包工头拖欠其及12名工友工资共计4.6万元，多次"
                                       "讨要未果。诉求：请劳动监察部门督促支付。")
        t = self.business(first_at, 15)
        self.dispatch(life, t, u["dispatcher"], self.units["hrss"], co_units=[self.units["union"]])
        life.handler = u["h_hrss"]
        t = self.business(t, 45)
        self.accept(life, t, u["h_hrss"])
        t = self.business(t, 180)
        self.note(life, t, u["h_hrss"], "劳动监察大队已约谈施工单位项目经理，要求三日内提供工资发放名册", public=True)
        self.note(life, self.business(t, 60), u["h_union"], CO_NOTES["union"])
        second_at = self.workday_at(4, 21, 15)
        dup = self.create(at=second_at, source=SRC.HOTLINE, created_by=u["dispatcher"], title="再次反映拖欠工资",
                          category=labor, area=area, address="新达街道团结路在建工地", name=name, phone=phone,
                          description="来电人再次反映：团结路工地拖欠的工资至今未付，工友们已经等不起了。诉求：请尽快督促支付。")
        self.merge(dup, self.business(second_at, 20), u["dispatcher"], life)
        self.stats.showcase["wage_caller"] = phone

    def _school_gate(self) -> None:
        """Scenario 6: an illegal taxi stand and a 三无 snack stall at the school gate; the stall comes back."""
        u = self.users
        school, gate = self.harbors[SCHOOL_HARBOR], "乌达区实验中学南门"
        area = self.areas[SCHOOL_AREA]
        at = self.workday_at(45, 16, 50)
        taxi = self.create(at=at, source=SRC.PATROL, created_by=u["school_safety"], harbor=school, area=area,
                           address=gate, category=self.categories["traffic.illegal_taxi"], title="实验中学南门黑车揽客",
                           description="巡查发现：放学时段实验中学南门有五六辆私家车停在路边揽客，喊“乌海市区二十一位”，学生和"
                                       "家长围着坐车，存在安全隐患。请交通运输执法部门整治。")
        stall = self.create(at=at + timedelta(minutes=15), source=SRC.PATROL, created_by=u["school_safety"],
                            harbor=school, area=area, address=gate, category=self.categories["school.surroundings"],
                            title="实验中学南门三无零食摊",
                            description="巡查发现：南门外有两个流动摊位卖辣条、烤肠和散装饮料，没有任何标签，学生放学围着买。"
                                        "请市场监管部门处理。")
        for life, unit, result in (
            (taxi, "transport_enforcement", "已在实验中学南门设立固定执法点，放学时段派员值守，查处非法营运车辆3辆"),
            (stall, "market", "已取缔南门外两处无证食品摊点，暂扣三无食品一批，并对周边商店开展检查"),
        ):
            t = self.business(life.m.created_at, 30)
            co = [self.units["urban_enforcement"]] if unit == "market" else []
            self.dispatch(life, t, u["dispatcher"], self.units[unit], co_units=co)
            life.handler = u[f"h_{unit}"]
            t = self.business(t, 60)
            self.accept(life, t, life.handler)
            t = self.business(t, 900)
            self.resolve(life, t, life.handler, result)
            t = self.business(t, 240)
            self.follow_up(life, t, u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True, solved=True,
                           satisfaction=SAT.SATISFIED, comment="学校对整治效果很满意")
        again = self.workday_at(12, 16, 40)
        back = self.create(at=again, source=SRC.PATROL, created_by=u["school_safety"], harbor=school, area=area,
                           address="文化路与育才路拐角", category=self.categories["school.surroundings"],
                           title="三无零食摊又回来了",
                           description="巡查发现：上个月取缔的卖三无零食的小摊又回来了，这回摆在文化路拐角，离南门不到五十米。")
        t = self.business(again, 25)
        self.dispatch(life=back, at=t, actor=u["dispatcher"], unit=self.units["market"],
                      co_units=[self.units["urban_enforcement"]], note="此前已整治过，属反复出现问题，请加大巡查力度")
        back.handler = u["h_market"]
        self.accept(back, self.business(t, 50), u["h_market"])
        self.note(back, self.business(t, 300), u["h_market"], "已约谈摊主，暂扣无标签食品，正在协调综合执法局固定值守")
        self.stats.showcase["school_gate"] = [taxi.m.tracking_code, stall.m.tracking_code, back.m.tracking_code]

    def _open_states(self) -> None:
        """One matter in each open state, whenever the history is loaded."""
        u = self.users
        last = self.last_business_moment(self.now)

        def make(minutes_before, category, unit_code, title, text, address, community="wuda.xinda.guangming"):
            at = self.back(last, minutes_before)
            area = self.areas[self.rng.choice(self.grids[community])]
            life = self.create(at=at, source=SRC.HOTLINE, created_by=u["dispatcher"], title=title,
                               category=self.categories[category], area=area, name=self.person(),
                               phone=self.phone(), address=address,
                               description=f"来电人反映：{text}。诉求：请尽快处理。")
            life.handler = self.handler(unit_code, life.m)
            return life, at

        # returned, waiting for the dispatcher
        life, at = make(200, "traffic.overload", "transport_enforcement", "滨河路渣土车抛撒",
                        "滨河路每天夜里有渣土车经过，车斗不盖苫布，沙土撒了一路", "新达街道滨河路",
                        "wuda.xinda.jianshe")
        self.dispatch(life, self.business(at, 15), u["dispatcher"], self.units["urban_enforcement"])
        self.return_(life, self.business(at, 160), u["h_urban_enforcement"], "属于货车抛撒，应由交通运输执法大队处理")
        # dispatched, not accepted yet
        life, at = make(60, "estate.sanitation", "community_office", "光明小区垃圾清运不及时",
                        "光明小区3号楼旁垃圾桶满溢三天没人清运", "新达街道光明小区3号楼")
        self.dispatch(life, self.business(at, 20), u["dispatcher"], self.units["community_office"])
        # accepted
        life, at = make(90, "traffic.parking", "traffic_police", "光明路人行道乱停车", "光明路人行道机动车乱停乱放",
                        "新达街道光明路")
        self.dispatch(life, self.business(at, 15), u["dispatcher"], self.units["traffic_police"])
        self.accept(life, self.business(at, 50), life.handler)
        # in progress, extension requested and waiting for a decision
        life, at = make(1500, "estate.property", "housing", "金海湾小区物业服务质量差",
                        "金海湾小区物业收费后服务不到位，单元门禁坏了两个月没人修", "新达街道金海湾小区")
        self.dispatch(life, self.business(at, 25), u["dispatcher"], self.units["housing"])
        self.accept(life, self.business(at, 90), life.handler)
        self.note(life, self.business(at, 300), life.handler, "已约谈物业公司负责人，要求限期整改")
        self.request_extension(life, self.business(at, 1400), life.handler, 5, "门禁系统需整体更换，厂家供货需一周")
        # resolved, waiting for the follow-up
        life, at = make(1000, "traffic.road_facility", "traffic_police", "光明路人民路口信号灯故障",
                        "光明路与人民路交叉口信号灯只闪黄灯", "新达街道光明路与人民路交叉口")
        self.dispatch(life, self.business(at, 10), u["dispatcher"], self.units["traffic_police"])
        self.accept(life, self.business(at, 40), life.handler)
        self.resolve(life, self.business(at, 400), life.handler, "信号灯控制器故障已更换，现已恢复正常运行")
        # reopened: the reporter was not satisfied, back with the unit
        life, at = make(3000, "estate.facilities", "housing", "永昌佳苑二期电梯经常停运",
                        "永昌佳苑二期3号楼电梯一周停了三次，老人上下楼困难", "新达街道永昌佳苑二期3号楼",
                        "wuda.xinda.yongchang")
        self.dispatch(life, self.business(at, 20), u["dispatcher"], self.units["housing"])
        self.accept(life, self.business(at, 60), life.handler)
        self.resolve(life, self.business(at, 600), life.handler, "电梯维保单位已更换门机控制板，电梯恢复运行")
        self.follow_up(life, self.business(at, 2800), u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True,
                       solved=False, satisfaction=SAT.UNSATISFIED, comment="修了两天又停了，老人还是下不了楼")
        # overdue: the unit has not accepted for days; sweep supervision and escalation follow
        life, at = make(6 * 420, "industry.pollution", "environment", "园区夜间异味扰民",
                        "工业园区东侧企业夜间排放刺激性气味，周边职工公寓开窗就是臭鸡蛋味", "梁家沟街道工业园区职工公寓",
                        "wuda.liangjiagou.gongyeyuan")
        self.dispatch(life, self.business(at, 30), u["dispatcher"], self.units["environment"])
        life.reply_kind = "accept"
        # rejected
        life, at = make(5000, "general.other", "zfw", "咨询市区楼盘房产证办理",
                        "咨询海勃湾区某楼盘房产证办理进度", "")
        self.reject(life, self.business(at, 30), u["dispatcher"], "不属于本区管辖范围，已告知来电人向海勃湾区住建部门咨询")

    def _listed_supervision(self) -> None:
        """One listed supervision order by the leader on three illegal buildings of one unit."""
        u = self.users
        lives = []
        places = [("wuda.xinda.jianshe.g2.binhe", "滨河花园小区", "一楼住户私自扩建院落，侵占公共绿地约40平方米"),
                  ("wuda.xinda.yongchang.g2.yczy2", "永昌佳苑二期", "楼顶有人私搭彩钢房养鸽子"),
                  ("wuda.xinda.tuanjie.g1.tuanjie", "团结小区", "一楼商户在楼前私自搭建彩钢棚经营")]
        for i, (code, name, text) in enumerate(places):
            at = self.workday_at(28 - i * 2, 10 + i, 15)
            life = self.create(at=at, source=SRC.PATROL, created_by=u["dispatcher_xinda"], area=self.areas[code],
                               address=f"新达街道{name}", category=self.categories["estate.illegal_build"],
                               title=f"{name}私搭乱建", urgency=Urgency.COMPLEX,
                               description=f"网格员巡查发现：{name}{text}。已拍照留存，请执法部门依法处理。")
            t = self.business(at, 40)
            self.dispatch(life, t, u["dispatcher_xinda"], self.units["urban_enforcement"])
            life.handler = u["h_urban_enforcement"]
            self.accept(life, self.business(t, 120), life.handler)
            self.note(life, self.business(t, 400), life.handler, "执法队员已现场勘查并下达限期拆除通知书")
            lives.append(life)
        at = self.workday_at(6, 9, 30)
        self.supervise(lives, at, actor=u["leader"], level=Supervision.Level.LISTED, origin=Supervision.Origin.MANUAL,
                       reason="新达街道违章搭建问题群众反映集中，挂牌督办：请于限期内依法拆除并书面报告",
                       reply_due=self.add_limit(at, 3, LimitUnit.WORKDAYS).date())
        for life in lives:
            life.m.updated_at = at

    def _still_unhappy(self) -> None:
        """Handled twice, still not satisfied: a key supervision from the follow-up."""
        u = self.users
        at = self.workday_at(34, 10, 40)
        area = self.areas["wuda.xinda.jianshe.g1.jianshe"]
        life = self.create(at=at, source=SRC.HOTLINE, created_by=u["dispatcher"], title="建设小区物业费上涨",
                           category=self.categories["estate.property"], area=area, address="新达街道建设小区",
                           name="韩先生", phone="15804731172",
                           description="来电人反映：建设小区物业费由每平米0.6元涨到1.2元，未经业主大会表决，服务也没有改善。"
                                       "诉求：请住建部门核查物业涨价是否合规。")
        t = self.business(at, 30)
        self.dispatch(life, t, u["dispatcher"], self.units["housing"])
        life.handler = u["h_housing"]
        self.accept(life, self.business(t, 60), u["h_housing"])
        t = self.business(t, 1200)
        self.resolve(life, t, u["h_housing"], "经核查，物业调价已向物价部门备案，已要求物业公示收费依据")
        t = self.business(t, 300)
        self.follow_up(life, t, u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True, solved=False,
                       satisfaction=SAT.UNSATISFIED, comment="备案不等于合理，业主大会没表决过")
        t = self.business(t, 60)
        self.accept(life, t, u["h_housing"])
        t = self.business(t, 1500)
        self.resolve(life, t, u["h_housing"], "（重办）已组织社区、物业、业主代表召开协调会，物业同意暂缓执行新标准，提请业主大会表决")
        t = self.business(t, 400)
        self.follow_up(life, t, u["dispatcher"], channel=FollowUp.Channel.PHONE, contacted=True, solved=False,
                       satisfaction=SAT.UNSATISFIED, comment="还是没有说法")

    def _meetings(self) -> None:
        """Joint meetings and a dispatch meeting; each decision is a matter of its owner unit."""
        u = self.users
        for spec in MEETINGS:
            held = self.workday_at(spec["days_ago"], *spec["at"])
            if held >= self.now:
                continue
            recorder = u.get(spec["recorder"], u["dispatcher"])
            harbor = self.harbors.get(spec["harbor"]) if spec["harbor"] else None
            meeting = Meeting.objects.create(
                kind=spec["kind"], title=spec["title"], organizer=self.units[spec["organizer"]],
                area=self.areas[spec["area"]], harbor=harbor, held_at=held, place=spec["place"],
                agenda=spec["agenda"], minutes=spec["minutes"], created_by=recorder,
                created_at=held - timedelta(days=2),
            )
            meeting.attending_units.set([self.units[c] for c in spec["units"] if c in self.units])
            self.stats.meetings += 1
            at = self.business(held, 150)
            title = _zh("Decision of %(meeting)s", "%(meeting)s议定事项") % {"meeting": meeting.title}
            for text, unit_code, workdays_ in spec["decisions"]:
                deadline = self.add_limit(held, workdays_, LimitUnit.WORKDAYS).date()
                life = self.create(at=at, source=SRC.MEETING, description=text, title=title, area=meeting.area,
                                   harbor=harbor, created_by=recorder)  # registered by the meeting's clerk
                m = life.m
                accept, _resolve, _ret = self.limits(m)
                owner = self.units[unit_code]
                m.unit_id, m.dispatched_at = owner.pk, at
                self.set_status(life, S.DISPATCHED, at)
                m.resolve_due_at = deadlines.end_of_day(deadline)
                m.accept_due_at = min(self.add_limit(at, *accept), m.resolve_due_at)
                m.return_due_at = None
                self.start_clock(life, m.accept_due_at, at)
                self.event(life, at, recorder, A.DISPATCHED, before=S.RECEIVED, unit=owner.pk,
                           data={"meeting": meeting.pk, "deadline": deadline.isoformat()})
                self.decisions.append(Decision(meeting=meeting, text=text, owner_unit=owner, deadline=deadline,
                                               matter=m))
                life.handler = self.handler(unit_code, m)
                self._decision_life(life, at)

    def _decision_life(self, life: _Life, at) -> None:
        rng, m, now = self.rng, life.m, self.now
        t = self.business(at, rng.triangular(20, 400, 60))
        if t >= now:
            return
        self.accept(life, t, life.handler)
        t_note = self.business(t, rng.uniform(300, 2000))
        if t_note >= now:
            return
        self.note(life, t_note, life.handler, rng.choice(["已制定工作方案，明确责任人和完成时限", "已部署落实，正在推进",
                                                           "已组织人员开展专项行动"]), public=False)
        late = rng.random() < 0.2
        span = (m.resolve_due_at - t).total_seconds()
        t_res = t + timedelta(seconds=span * (rng.uniform(1.02, 1.2) if late else rng.uniform(0.5, 0.95)))
        t_res = max(self._window_start(t_res), self.business(t_note, rng.uniform(30, 240)))
        if t_res >= now:
            return
        self.resolve(life, t_res, life.handler, "会议议定事项已落实完毕，相关情况已书面报告")
        t_close = self.business(t_res, rng.uniform(60, 900))
        if t_close < now:
            self.close(life, t_close, self.users["dispatcher"], "会议议定事项已落实，予以归档")

    # --- commendations ------------------------------------------------------------------------

    def remember_praise(self, m: Matter) -> None:
        """Reservoir of well-handled matters that commendations can thank for."""
        self.praise_seen += 1
        if len(self.praise_pool) < 200:
            self.praise_pool.append(m)
        else:
            i = self.rng.randrange(self.praise_seen)
            if i < 200:
                self.praise_pool[i] = m

    def commendations(self, count: int) -> None:
        rng = self.rng
        pool = [m for m in self.praise_pool if m.pk and m.unit_id and m.closed_at]
        rng.shuffle(pool)
        rows = [Commendation(
            kind=Commendation.Kind.BANNER, unit=self.units["traffic_police"], person_name="护学岗执勤民警",
            giver="乌达区实验中学全体师生", text="护学岗上显担当 守护平安暖人心", area=self.areas[SCHOOL_AREA],
            received_on=self.workday_at(30, 10).date(), recorded_by=self.users["dispatcher"],
        )]
        for m in pool:
            if len(rows) >= count:
                break
            received = (timezone.localtime(m.closed_at, self.tz) + timedelta(days=rng.randint(1, 12))).date()
            if received > self.now.date():
                continue
            banner = rng.random() < 0.6
            person = self.user_by_id.get(m.assignee_id) if rng.random() < 0.7 else None
            area, unit = self.area_by_id[m.area_id], self.unit_by_id[m.unit_id]
            if area.level == Area.Level.GRID:
                area = self.area_by_path.get(area.path[: -Area.steplen], area)
            giver_name = m.reporter_name if m.reporter_name and not m.anonymous else ""
            if giver_name and giver_name not in MONGOLIAN:
                giver_name = giver_name[0] + rng.choice(["女士", "先生"])
            giver = f"{area.name}居民{giver_name}"
            words = UNIT_BANNERS.get(unit.code, BANNER_WORDS)
            rows.append(Commendation(
                kind=Commendation.Kind.BANNER if banner else Commendation.Kind.LETTER, unit=unit, person=person,
                person_name=person.display_name if person else "", matter=m, giver=giver[:100],
                text=rng.choice(words) if banner else LETTER_TEXT.format(unit=unit.name_zh.split("（")[0]),
                received_on=received, area=area, recorded_by=self.users["dispatcher"],
            ))
        Commendation.objects.bulk_create(rows)
        self.stats.commendations += len(rows)

    # --- entry -----------------------------------------------------------------------------------

    def run(self, count: int) -> Stats:
        start = clock.perf_counter()
        self.showcase()
        for code in TEXTS:  # every category at least once, whatever the count
            self.random_matter(code)
        made = len(self.batch) + self.stats.matters
        while made < count:
            self.random_matter()
            made = len(self.batch) + self.stats.matters
            if len(self.batch) >= self.batch_size:
                self.flush()
        self.flush()
        self.commendations(20 if count <= 5000 else count // 250)
        self.stats.seconds = clock.perf_counter() - start
        return self.stats


def generate_history(count: int, *, seed: int = 2026, now=None, batch_size: int = 5000, stdout=None) -> Stats:
    """Write about `count` matters (at least the scripted ones) with their whole history.

    No check whether a history exists: callers that must run once use load_demo_history.
    """
    writer = HistoryWriter(seed=seed, now=now, batch_size=batch_size, stdout=stdout)
    return writer.run(count)


def history_exists() -> bool:
    return MatterEvent.objects.filter(action=A.CREATED, data__demo=DEMO_MARK).exists()


def load_demo_history(*, count: int = 3000, seed: int = 2026, stdout=None) -> str:
    """Load the demo history once (after core.demo.load_demo); returns a short summary."""
    with transaction.atomic():  # checked inside: a second loader waits for the first, then finds it
        if history_exists():
            existing = Matter.objects.filter(events__action=A.CREATED, events__data__demo=DEMO_MARK).count()
            return f"The demo history is already loaded ({existing} matters); nothing changed."
        stats = generate_history(count, seed=seed, stdout=stdout)
    statuses = ", ".join(f"{status} {stats.by_status.get(status, 0)}" for status in S.values)
    summary = (
        f"Demo history: {stats.matters} matters over the last {HISTORY_DAYS} days ({statuses}); "
        f"{stats.events} events, {stats.follow_ups} follow-ups, {stats.extensions} extension requests, "
        f"{stats.supervisions} supervision orders, {stats.meetings} meetings with {stats.decisions} decisions, "
        f"{stats.commendations} commendations; written in {stats.seconds:.1f} s."
    )
    leak = stats.showcase.get("leaking_ceiling")
    if leak:
        summary += f"\nScenario 1 (王阿姨's leaking ceiling): tracking code {leak[0]}, check code {leak[1]}."
    return summary
