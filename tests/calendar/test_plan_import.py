"""The plan importer on plans written the way schools write them: every item, in its month."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from storage.plan_dates import default_first_year, due_date, past_months
from storage.plan_files import PlanFileError, read_plan_file
from storage.plan_import import guess_role, month_heading, parse_plan

PLANS = Path(__file__).parent / "plans"

# What a person reading each plan counts as its items, month by month (plan order).
EXPECTED: dict[str, dict[int, list[str]]] = {
    "kindergarten_spring.txt": {
        2: ["开学前对园舍、设施设备进行全面安全检查，发现隐患及时整改", "做好开学初幼儿晨检及传染病预防工作",
            "与各班签订安全责任书", "召开全体教职工安全工作会议"],
        3: ["邀请消防人员来园进行消防实地培训", "开展一次紧急疏散演练", "教职工卫生保健知识培训"],
        4: ["开展“防溺水”安全教育活动，发放告家长书", "检修户外大型玩具，更换损坏部件", "食堂从业人员健康检查"],
        5: ["开展防震减灾宣传周活动，组织地震应急疏散演练", "检查园内电路、水电设施，及时维修",
            "做好夏季食品安全工作，加强食堂留样管理"],
        6: ["开展防溺水、防暑安全教育", "组织幼儿体检", "召开家长会，做好暑假安全宣传"],
        7: ["学期安全工作总结", "放假前对园舍进行全面检查，关闭水电"],
    },
    "primary_autumn.txt": {
        9: ["开学前校舍安全大检查", "教材、作业本的征订与发放", "食堂从业人员健康证核查", "新生入学体检",
            "检查宿舍床铺、门窗", "更换损坏的灯具"],
        10: ["国庆节放假前安全检查", "组织一次消防疏散演练", "校园绿化养护", "更新十一月食谱", "开展食品安全自查"],
        11: ["冬季取暖设备检修", "召开膳食委员会会议", "流感等传染病预防宣传"],
        12: ["开展冬季防火安全检查", "组织地震逃生演练", "统计本学期财产报损情况"],
        1: ["期末校产清查", "寒假前关闭水电门窗", "撰写学期后勤工作总结"],
    },
    "logistics_semicolon.txt": {
        3: ["检查全园消防器材", "更换过期灭火器", "清洗空调滤网"],
        4: ["幼儿春季体检", "户外玩具检修", "组织教职工学习《食品安全法》"],
        5: ["厨房排烟管道清洗", "开展消防疏散演练", "检查防蚊纱窗"],
        6: ["召开家长委员会会议", "做好防暑降温工作"],
        7: ["暑期校舍维修计划上报", "全园物品清点"],
    },
    "health_care_mixed.txt": {
        2: ["开学晨检，做好因病缺勤登记", "全园环境消毒"],
        3: ["组织全园幼儿身高、体重测量", "制定春季传染病预防措施，加强晨午检", "召开膳食委员会会议，调整食谱"],
        4: ["手足口病预防宣传", "保育员消毒知识培训", "开展一次防火演练"],
        5: ["幼儿视力筛查", "食堂卫生检查", "更换饮水机滤芯"],
        6: ["夏季防暑及食品安全宣传", "组织幼儿体检", "学期卫生保健工作总结"],
    },
    # Items separated by spaces only, week sub-headings, bullets, a paragraph of prose in a
    # month (left out), and 六、七月份 (June and July together: due by the end of July).
    "monthly_calendar_odd.txt": {
        3: ["开学安全大检查", "食堂餐具消毒检查", "召开家长会", "更换教室灯管", "检查消防通道", "清理仓库杂物"],
        4: ["春季传染病防控", "组织一次地震疏散演练"],
        5: ["检查空调"],
        7: ["期末工作总结"],
    },
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_plan_yields_exactly_its_items_in_their_months(name: str) -> None:
    plan = parse_plan((PLANS / name).read_text(encoding="utf-8"))

    found: dict[int, list[str]] = {}
    for item in plan.items:
        found.setdefault(item.month, []).append(item.title)
    assert found == EXPECTED[name]
    assert plan.months == list(EXPECTED[name])


def test_headings_prose_and_blank_lines_are_not_tasks() -> None:
    plan = parse_plan((PLANS / "kindergarten_spring.txt").read_text(encoding="utf-8"))

    titles = {item.title for item in plan.items}
    skipped = {line.text: line.reason for line in plan.skipped}
    assert "二月份：" in skipped and skipped["二月份："] == "heading"
    assert skipped["一、指导思想"] == "before_months"
    assert skipped["1、杜绝重大安全责任事故的发生。"] == "before_months"  # a goal, not a task
    assert skipped["备注：以上安排如有变动，另行通知。"] == "prose"
    assert not any("指导思想" in t or "备注" in t or not t.strip() for t in titles)


def test_a_section_after_the_months_ends_them() -> None:
    plan = parse_plan((PLANS / "health_care_mixed.txt").read_text(encoding="utf-8"))

    assert {line.text: line.reason for line in plan.skipped}["三、保障措施"] == "section"
    assert all("保健室" not in item.title for item in plan.items)


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("三月份\n1、检查灭火器\n2、消防演练", ["检查灭火器", "消防演练"]),
        ("三月份\n1. 检查灭火器\n2. 消防演练", ["检查灭火器", "消防演练"]),
        ("三月份\n1．检查灭火器\n2．消防演练", ["检查灭火器", "消防演练"]),
        ("三月份\n(1)检查灭火器\n（2）消防演练", ["检查灭火器", "消防演练"]),
        ("三月份\n①检查灭火器 ②消防演练", ["检查灭火器", "消防演练"]),
        ("三月份\n一、检查灭火器\n二、消防演练", ["检查灭火器", "消防演练"]),
        ("3月份：检查灭火器；消防演练;体检", ["检查灭火器", "消防演练", "体检"]),
        ("3月：1.检查灭火器。2.消防演练。", ["检查灭火器", "消防演练"]),
        ("四月工作\n检查灭火器\n消防演练", ["检查灭火器", "消防演练"]),
        (
            "九月份：\n宿舍方面：\n检查床铺\n食堂方面：更新食谱；留样检查",
            ["检查床铺", "更新食谱", "留样检查"],
        ),
        ("三月份\n1、检查2.5米以上的护栏", ["检查2.5米以上的护栏"]),
        ("三月份\n1、3月8日开展妇女节活动", ["3月8日开展妇女节活动"]),
        (
            "三月份\n1、全面检查园舍，\n发现隐患及时整改。\n2、检查灭火器",
            ["全面检查园舍，发现隐患及时整改", "检查灭火器"],
        ),  # an item wrapped over two lines
    ],
)
def test_numbering_styles(text: str, titles: list[str]) -> None:
    plan = parse_plan(text)

    assert [item.title for item in plan.items] == titles
    assert len(plan.months) == 1
    assert {item.month for item in plan.items} == set(plan.months)


@pytest.mark.parametrize(
    ("line", "month"),
    [("二月份", 2), ("3月份", 3), ("九月份：", 9), ("四月工作", 4), ("十二月", 12), ("十一月份工作安排", 11),
     ("【2月】", 2), ("2027年3月", 3), ("一、十月份", 10), ("元月", 1)],
)  # fmt: skip
def test_month_headings_in_every_form(line: str, month: int) -> None:
    assert month_heading(line) == (month, "")


@pytest.mark.parametrize(
    "line", ["3月8日开展活动", "3月底前完成体检", "十月一日国庆放假", "本月工作"]
)
def test_dates_inside_items_are_not_headings(line: str) -> None:
    assert month_heading(line) is None


def test_a_plan_without_month_headings_has_no_months() -> None:
    plan = parse_plan("安全工作计划\n1、检查灭火器\n2、消防演练\n")

    assert plan.months == [] and plan.items == []
    assert {line.reason for line in plan.skipped} == {"before_months"}


def test_roles_and_drills_are_guessed_from_keywords() -> None:
    assert guess_role("更新下月食谱") == "kitchen"
    assert guess_role("厨房排烟管道清洗") == "kitchen"
    assert guess_role("组织幼儿体检") == "health_teacher"
    assert guess_role("传染病预防宣传") == "health_teacher"
    assert guess_role("户外玩具检修") == "maintenance"
    assert guess_role("召开家长会") == "class_teacher"
    assert guess_role("邀请消防人员来园培训") is None
    plan = parse_plan("3月份：1．开展一次紧急疏散演练。2．检修滑梯。")
    assert [(i.drill, i.drill_type) for i in plan.items] == [(True, "evacuation"), (False, None)]


def test_an_autumn_plan_spans_the_turn_of_the_year() -> None:
    plan = parse_plan((PLANS / "primary_autumn.txt").read_text(encoding="utf-8"))
    first = plan.months[0]

    assert default_first_year(plan.months, date(2026, 8, 20)) == 2026
    assert due_date(9, first, 2026) == date(2026, 9, 30)
    assert due_date(12, first, 2026) == date(2026, 12, 31)
    assert due_date(1, first, 2026) == date(2027, 1, 31)
    assert past_months(plan, 2026, date(2026, 11, 26)) == [9, 10]


def test_a_plan_is_for_the_term_still_to_come() -> None:
    spring, autumn = [2, 3, 4, 5, 6, 7], [9, 10, 11, 12, 1]
    assert default_first_year(spring, date(2026, 11, 26)) == 2027
    assert default_first_year(spring, date(2027, 3, 10)) == 2027  # late: February is asked about
    assert default_first_year(autumn, date(2027, 1, 10)) == 2026  # January is still to come
    assert default_first_year(autumn, date(2027, 7, 1)) == 2027  # next autumn, not the last one


def make_docx() -> bytes:
    """A plan as Word users write it: paragraphs, then a table of months and items."""
    document = Document()
    document.add_heading("星星幼儿园2027年春季安全工作计划", level=1)
    document.add_paragraph("一、具体安排")
    document.add_paragraph("三月份：")
    document.add_paragraph("1、开展一次紧急疏散演练")
    document.add_paragraph("2、检查全园灭火器")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "四月份"
    table.cell(0, 1).text = "1．食堂从业人员体检\n2．召开家长会"
    table.cell(1, 0).text = "五月份"
    table.cell(1, 1).text = "(1) 防溺水安全教育"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_plan_with_paragraphs_and_a_table() -> None:
    plan = parse_plan(read_plan_file("计划.docx", make_docx()))

    assert [(i.month, i.title) for i in plan.items] == [
        (3, "开展一次紧急疏散演练"),
        (3, "检查全园灭火器"),
        (4, "食堂从业人员体检"),
        (4, "召开家长会"),
        (5, "防溺水安全教育"),
    ]


def test_files_that_are_not_plans_are_refused() -> None:
    with pytest.raises(PlanFileError) as error:
        read_plan_file("photo.jpg", b"\xff\xd8\xff\xe0")
    assert error.value.code == "unsupported"
    with pytest.raises(PlanFileError) as error:
        read_plan_file("plan.txt", bytes(range(256)) * 4)
    assert error.value.code == "not_text"
    with pytest.raises(PlanFileError) as error:
        read_plan_file("plan.docx", b"not a zip at all")
    assert error.value.code == "bad_docx"


def test_a_gbk_text_file_is_read() -> None:
    text = read_plan_file("计划.txt", "三月份\n1、消防演练\n".encode("gbk"))

    assert [i.title for i in parse_plan(text).items] == ["消防演练"]
