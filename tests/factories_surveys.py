"""Questionnaires built the way staff build them: through surveys.actions."""

from safeharbor.surveys import actions
from safeharbor.surveys.models import Survey


def make_survey(actor, org, *, access_mode=Survey.Access.OPEN, publish=True, min_group_size=5, **kwargs) -> Survey:
    survey = actions.create_survey(actor=actor, title=kwargs.pop("title", "执法满意度调查"), owner_unit=org.police,
                                   area=org.xinda, access_mode=access_mode, min_group_size=min_group_size, **kwargs)
    actions.save_question(survey, actor=actor, section_position=1, kind="single", text="单位类型", required=True,
                          options=["货运公司", "出租公司", "驾校"])
    actions.save_question(survey, actor=actor, section_position=1, kind="single", text="是否接受过检查？", required=True,
                          options=["是", "否"])
    actions.save_question(survey, actor=actor, section_position=1, kind="rating", text="总体评价", required=True,
                          low_label="很不满意", high_label="很满意", ranks_problems=True)
    actions.save_question(survey, actor=actor, section_position=1, kind="multiple", text="遇到过哪些情况？",
                          options=["罚款不说明理由", "重复检查", "都没有"], ranks_problems=True, complaint_options="1,2")
    actions.save_question(survey, actor=actor, section_position=1, kind="text", text="意见建议")
    actions.save_question(survey, actor=actor, section_position=1, key="q2", kind="single", text="是否接受过检查？",
                          required=True, options=["是", "否"], skip_option=2, skip_to="q5")
    if publish:
        actions.publish_survey(survey, actor=actor)
    return survey


def answer(survey, *, kind="1", inspected="1", rating="2", problems=("1",), text="", code=""):
    data = {"a_q1": kind, "a_q2": inspected, "a_q3": rating, "a_q4": list(problems)}
    if text:
        data["a_q5"] = text
    return actions.submit_response(survey, data=data, code=code)
