"""Chinese first, English second: the chosen language, the messages table, and
bilingual metadata shown in the chosen language with the other as fallback.

The language comes from ``?lang=zh|en`` (remembered in the ``dataex_lang`` cookie),
else that cookie, else Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT_LANGUAGE: Language = "zh"
LANG_COOKIE = "dataex_lang"

MESSAGES: Mapping[str, tuple[str, str]] = {
    # key: (中文, English)
    "site.name": ("公共数据交易平台", "Public Data Exchange"),
    "site.tagline": ("开放数据 · 可信交易 · 可审计", "Open data · trusted trading · auditable"),
    "nav.home": ("首页", "Home"),
    "nav.search": ("数据目录", "Catalog"),
    "nav.join": ("会员申请", "Join"),
    "nav.signin": ("登录", "Sign in"),
    "nav.signout": ("退出", "Sign out"),
    "nav.account": ("我的账户", "My account"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "nav.language": ("English", "中文"),
    "nav.main": ("主导航", "Main navigation"),
    "home.title": ("公共数据开放与交易", "Public data, open and traded"),
    "home.lead": ("浏览政府开放数据，比较质量报告，在线申请与交易数据产品。",
                  "Browse open government data, compare quality reports, and trade data "
                  "products online."),
    "home.themes": ("主题分类", "Themes"),
    "home.newest": ("最新数据集", "Newest datasets"),
    "home.all": ("查看全部数据集", "See all datasets"),
    "search.label": ("搜索数据集", "Search datasets"),
    "search.placeholder": ("例如：交通 客流", "e.g. air quality"),
    "search.submit": ("搜索", "Search"),
    "search.title": ("数据目录", "Data catalog"),
    "search.filters": ("筛选", "Filters"),
    "search.theme": ("主题", "Theme"),
    "search.publisher": ("发布单位编号", "Publisher id"),
    "search.open_type": ("开放属性", "Open type"),
    "search.grade": ("分级", "Grade"),
    "search.any": ("不限", "Any"),
    "search.apply": ("应用筛选", "Apply filters"),
    "search.results": ("检索结果", "Results"),
    "search.none": ("没有找到符合条件的数据集。", "No dataset matches."),
    "search.next": ("下一页", "Next page"),
    "search.first": ("回到第一页", "First page"),
    "dataset.publisher": ("发布单位", "Publisher"),
    "dataset.updated": ("更新时间", "Updated"),
    "dataset.listed": ("上架时间", "Listed"),
    "dataset.keywords": ("关键词", "Keywords"),
    "dataset.frequency": ("更新频率", "Update frequency"),
    "dataset.licence": ("许可协议", "Licence"),
    "dataset.contact": ("联系方式", "Contact"),
    "dataset.spatial": ("空间范围", "Area"),
    "dataset.temporal": ("时间范围", "Period"),
    "dataset.metadata": ("元数据", "Metadata"),
    "dataset.schema": ("数据结构", "Schema"),
    "dataset.column": ("字段", "Column"),
    "dataset.type": ("类型", "Type"),
    "dataset.description": ("说明", "Description"),
    "dataset.required": ("必填", "Required"),
    "dataset.files": ("数据文件", "Files"),
    "dataset.no_files": ("暂无数据文件。", "No files yet."),
    "dataset.file": ("文件", "File"),
    "dataset.size": ("大小", "Size"),
    "dataset.rows": ("行数", "Rows"),
    "dataset.uploaded": ("上传时间", "Uploaded"),
    "dataset.quality_score": ("质量得分", "Quality score"),
    "dataset.download": ("下载", "Download"),
    "dataset.needs_grant": ("有条件开放：需通过交易获得授权后下载。",
                            "Conditionally open: download after buying a grant."),
    "dataset.quality": ("质量报告（GB/T 36344）", "Quality report (GB/T 36344)"),
    "dataset.quality_overall": ("综合得分", "Overall score"),
    "dataset.quality_chart": ("六个质量维度得分（满分100）",
                              "Scores of the six quality dimensions (out of 100)"),
    "dataset.dimension": ("维度", "Dimension"),
    "dataset.score": ("得分", "Score"),
    "dataset.columns_quality": ("各字段质量", "Per-column figures"),
    "dataset.completeness": ("完整率", "Complete"),
    "dataset.nulls": ("空值", "Empty"),
    "dataset.distinct": ("不同值", "Distinct"),
    "dataset.invalid": ("不合规值", "Invalid"),
    "dataset.pii": ("个人信息（已脱敏）", "Personal information (masked)"),
    "dataset.sample": ("样例数据（已脱敏）", "Sample rows (masked)"),
    "dataset.dcat": ("DCAT 元数据（JSON-LD）", "DCAT metadata (JSON-LD)"),
    "dataset.offers": ("交易报价", "Offers"),
    "dataset.no_offers": ("暂无报价。", "No offers yet."),
    "dataset.price": ("价格", "Price"),
    "dataset.plan": ("计价方式", "Plan"),
    "dataset.term": ("期限", "Term"),
    "dataset.days": ("天", "days"),
    "join.title": ("会员申请", "Apply for membership"),
    "join.lead": ("填写单位信息申请成为交易会员，运营方审核通过后即可登录。",
                  "Apply with your organisation's details; you can sign in once the "
                  "operator approves."),
    "join.name": ("单位名称", "Organisation name"),
    "join.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "join.credit_code_hint": ("18 位，含校验码", "18 characters, check character included"),
    "join.roles": ("申请角色", "Roles"),
    "join.username": ("管理员用户名", "Administrator user name"),
    "join.password": ("管理员密码", "Administrator password"),
    "join.password_hint": ("至少 12 个字符", "at least 12 characters"),
    "join.submit": ("提交申请", "Apply"),
    "join.done": ("申请已提交，等待运营方审核。", "Application received; awaiting review."),
    "join.status": ("申请状态", "Status"),
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "User name"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.failed": ("用户名或密码不正确，或单位尚未通过审核。",
                      "Wrong user name or password, or the organisation is not approved yet."),
    "me.title": ("我的账户", "My account"),
    "me.org": ("单位", "Organisation"),
    "me.org_id": ("单位编号", "Organisation id"),
    "me.user": ("用户", "User"),
    "me.roles": ("角色", "Roles"),
    "me.balance": ("可用余额", "Available balance"),
    "me.escrow": ("托管中", "In escrow"),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.csrf": ("表单已过期或来源不明，请返回后重新提交。",
                   "The form has expired or did not come from this site; go back and send "
                   "it again."),
    "error.not_found": ("页面不存在。", "There is no such page."),
    "error.forbidden": ("您的账户无权访问此页面。", "Your account may not open this page."),
    "error.unreachable": ("服务暂时不可用，请稍后再试。",
                          "A service is not reachable right now; try again later."),
    "error.internal": ("服务器内部错误。", "Internal error."),
    "footer.note": ("本平台为演示系统。", "This platform is a demonstration system."),
    "role.provider": ("数据提供方", "Provider"),
    "role.buyer": ("数据需求方", "Buyer"),
    "role.operator": ("运营方", "Operator"),
    "role.regulator": ("监管方", "Regulator"),
    "open_type.unconditional": ("无条件开放", "Unconditionally open"),
    "open_type.conditional": ("有条件开放", "Conditionally open"),
    "open_type.not_open": ("不予开放", "Not open"),
    "grade.general": ("一般数据", "General"),
    "grade.important": ("重要数据", "Important"),
    "grade.core": ("核心数据", "Core"),
    "plan.one_time": ("一次性买断", "One-time"),
    "plan.subscription": ("订阅", "Subscription"),
    "plan.metered": ("按量计费", "Metered"),
    "frequency.realtime": ("实时", "Real time"),
    "frequency.hourly": ("每小时", "Hourly"),
    "frequency.daily": ("每日", "Daily"),
    "frequency.weekly": ("每周", "Weekly"),
    "frequency.monthly": ("每月", "Monthly"),
    "frequency.quarterly": ("每季度", "Quarterly"),
    "frequency.semiannual": ("每半年", "Half-yearly"),
    "frequency.annual": ("每年", "Yearly"),
    "frequency.irregular": ("不定期", "Irregular"),
    "frequency.static": ("不再更新", "Static"),
    "dimension.normativity": ("规范性", "Normativity"),
    "dimension.completeness": ("完整性", "Completeness"),
    "dimension.accuracy": ("准确性", "Accuracy"),
    "dimension.consistency": ("一致性", "Consistency"),
    "dimension.timeliness": ("时效性", "Timeliness"),
    "dimension.accessibility": ("可访问性", "Accessibility"),
    # --- operator pages (/operator) ---
    "nav.operator": ("运营工作台", "Operator desk"),
    "operator.desk": ("运营工作台", "Operator desk"),
    "operator.desk_lead": ("审核会员申请、数据集上架和数据资产登记，记录银行入金。",
                           "Review membership applications, dataset listings and asset "
                           "registrations; record bank deposits."),
    "operator.queues": ("待审核队列", "Review queues"),
    "operator.queue.memberships": ("会员申请", "Membership applications"),
    "operator.queue.listings": ("数据集上架", "Dataset listings"),
    "operator.queue.assets": ("资产登记", "Asset registrations"),
    "operator.waiting": ("待审核", "waiting"),
    "operator.queue_empty": ("暂无待审核事项。", "Nothing is waiting."),
    "operator.review": ("审核", "Review"),
    "operator.submitted": ("提交时间", "Submitted"),
    "operator.applied": ("申请时间", "Applied"),
    "operator.registered": ("登记申请时间", "Registration filed"),
    "operator.owner": ("权属单位", "Owner"),
    "operator.dataset": ("数据集", "Dataset"),
    "operator.asset_name": ("资产名称", "Asset"),
    "operator.notice.memberships.approved": ("会员申请已批准。", "Membership approved."),
    "operator.notice.memberships.rejected": ("会员申请已驳回。", "Membership rejected."),
    "operator.notice.listings.approved": ("数据集已上架。", "Dataset listed."),
    "operator.notice.listings.rejected": ("数据集上架申请已驳回。", "Listing rejected."),
    "operator.notice.assets.approved": ("资产已登记并签发证书。",
                                        "Asset registered and certified."),
    "operator.notice.assets.rejected": ("资产登记已驳回。", "Asset registration rejected."),
    "operator.decision": ("审核决定", "Decision"),
    "operator.approve": ("批准", "Approve"),
    "operator.approve_listing": ("批准上架", "List it"),
    "operator.approve_asset": ("批准登记并签发证书", "Register and certify"),
    "operator.reject": ("驳回", "Reject"),
    "operator.reason": ("驳回理由", "Reason for rejection"),
    "operator.reason_hint": ("必填，将告知申请方", "required; the applicant is told"),
    "operator.reason_required": ("驳回必须填写理由。", "A rejection needs a reason."),
    "operator.decided": ("该事项已处理，无需审核。", "This item has been decided already."),
    "operator.status": ("状态", "Status"),
    "operator.decision_reason": ("审核意见", "Decision reason"),
    "operator.decided_at": ("审核时间", "Decided"),
    "operator.back": ("返回工作台", "Back to the desk"),
    "operator.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "operator.roles": ("申请角色", "Roles"),
    "operator.org_id": ("单位编号", "Organisation id"),
    "operator.regulator_needed": ("重要数据：须监管方先行批准，方可上架。",
                                  "Important data: the regulator must approve before "
                                  "listing."),
    "operator.regulator_approved": ("监管方已批准", "Approved by the regulator"),
    "operator.files": ("数据文件", "Files"),
    "operator.quality": ("质量得分", "Quality score"),
    "operator.rights": ("申请权利", "Rights"),
    "operator.datasets": ("所含数据集", "Datasets"),
    "operator.public_data": ("公共数据", "Public data"),
    "operator.yes": ("是", "Yes"),
    "operator.no": ("否", "No"),
    "operator.content_hash": ("内容哈希", "Content hash"),
    "operator.revision": ("版本", "Revision"),
    "operator.organizations": ("会员单位", "Organisations"),
    "operator.all": ("全部", "All"),
    "operator.filter": ("筛选", "Filter"),
    "operator.name": ("单位名称", "Name"),
    "operator.created": ("申请时间", "Applied"),
    "operator.actions": ("操作", "Actions"),
    "operator.none": ("没有符合条件的单位。", "No organisation matches."),
    "operator.next": ("下一页", "Next page"),
    "operator.first": ("回到第一页", "First page"),
    "operator.deposits": ("记录入金", "Record a deposit"),
    "operator.deposit_lead": ("会员通过银行转账入金后，在此记入其可用余额。"
                              "同一表单重复提交只记一次。",
                              "After a member's bank transfer arrives, credit it to the "
                              "available balance here. Sending the same form twice "
                              "credits once."),
    "operator.deposit_org": ("入金单位", "Organisation"),
    "operator.choose": ("请选择", "Choose"),
    "operator.amount": ("金额（元）", "Amount (元)"),
    "operator.amount_hint": ("最多两位小数，例如 1000.50", "at most two decimals, e.g. 1000.50"),
    "operator.reference": ("银行流水号（选填）", "Bank reference (optional)"),
    "operator.record": ("记入余额", "Credit the deposit"),
    "operator.recorded": ("入金已记录", "Deposit recorded"),
    "operator.balance_after": ("入金后可用余额", "Available balance after"),
    "operator.journal_entry": ("记账凭证", "Journal entry"),
    "operator.another": ("再记一笔", "Record another"),
    "operator.amount_missing": ("请填写金额。", "Enter an amount."),
    "operator.amount_decimals": ("金额最多两位小数（精确到分）。",
                                 "At most two decimals (to the fen)."),
    "operator.amount_invalid": ("金额格式不正确，请填写数字，例如 1000.50。",
                                "Not an amount: type a number such as 1000.50."),
    "operator.amount_positive": ("金额必须大于零。", "The amount must be more than zero."),
    "operator.amount_too_large": ("金额过大。", "The amount is too large."),
    "operator.org_missing": ("请选择入金单位。", "Choose the organisation."),
    "operator.sweep": ("到期处理与自动结算", "Expiry and auto-settlement"),
    "operator.sweep_lead": ("系统会定时运行；需要时可立即运行一次。",
                            "It runs on a timer; run it now when needed."),
    "operator.sweep_run": ("立即运行", "Run now"),
    "operator.swept": ("已运行到期处理与自动结算", "Expiry and auto-settlement ran"),
    "operator.swept.expired_orders": ("过期订单", "Orders expired"),
    "operator.swept.settled_orders": ("自动结算订单", "Orders settled"),
    "operator.swept.expired_grants": ("到期授权", "Grants ended"),
    "operator.swept.forgotten_keys": ("清理的幂等键", "Idempotency keys forgotten"),
    "operator.state.pending": ("待审核", "Pending"),
    "operator.state.submitted": ("待审核", "Submitted"),
    "operator.state.registered": ("已登记", "Registered"),
    "operator.state.listed": ("已上架", "Listed"),
    "operator.state.rejected": ("已驳回", "Rejected"),
    "operator.state.revoked": ("已撤销", "Revoked"),
    "operator.state.delisted": ("已下架", "Delisted"),
    "operator.state.draft": ("草稿", "Draft"),
    "org_status.pending": ("待审核", "Pending"),
    "org_status.active": ("已生效", "Active"),
    "org_status.rejected": ("已驳回", "Rejected"),
    "right.holding": ("数据资源持有权", "Holding"),
    "right.processing": ("数据加工使用权", "Processing and use"),
    "right.operation": ("数据产品经营权", "Operation"),
}


def choose_language(request: Request) -> Language:
    """The visitor's language: ``?lang=``, else the ``dataex_lang`` cookie, else Chinese."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """Messages and bilingual values in one language."""

    language: Language

    @property
    def other(self) -> Language:
        """The language the page does not use (offered as the toggle)."""
        return "en" if self.language == "zh" else "zh"

    def __call__(self, key: str) -> str:
        """The message ``key`` in this language (the key itself if it is unknown)."""
        texts = MESSAGES.get(key)
        if texts is None:
            return key
        return texts[0] if self.language == "zh" else texts[1]

    def term(self, kind: str, code: str | None) -> str:
        """A vocabulary code's name (``term("grade", "general")``), the code if unknown."""
        if not code:
            return "—"
        key = f"{kind}.{code}"
        return self(key) if key in MESSAGES else code

    def pick(self, value: Mapping[str, Any] | str | None) -> str:
        """A bilingual ``{"zh": ..., "en": ...}`` in this language, else the other."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return str(value.get(self.language) or value.get(self.other) or "")

    def theme(self, theme: Mapping[str, Any]) -> str:
        """A theme's name from the catalog's vocabulary, in this language or the other."""
        return self.pick({"zh": theme.get("name_zh"), "en": theme.get("name_en")})
