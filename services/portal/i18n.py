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
    # --- provider pages (services/portal/pages/provider*.py) ---
    "nav.provider": ("提供方控制台", "Provider console"),
    "provider.console": ("数据提供方控制台", "Provider console"),
    "provider.balance": ("余额与结算", "Balance and settlements"),
    "provider.settlements": ("最近资金变动", "Recent money movements"),
    "provider.no_entries": ("暂无资金变动。", "No money has moved yet."),
    "provider.when": ("时间", "When"),
    "provider.entry_kind": ("类型", "Kind"),
    "provider.order": ("订单", "Order"),
    "provider.available_change": ("可用余额变动", "Change to available balance"),
    "provider.orders": ("收到的订单", "Incoming orders"),
    "provider.no_orders": ("暂无订单。", "No orders yet."),
    "provider.buyer": ("需求方", "Buyer"),
    "provider.purpose": ("用途", "Purpose"),
    "provider.amount": ("金额", "Amount"),
    "provider.placed": ("下单时间", "Placed"),
    "provider.net": ("结算净额", "Net to you"),
    "provider.accept": ("接受订单", "Accept order"),
    "provider.reject": ("拒绝订单", "Reject order"),
    "provider.reject_reason": ("拒绝理由", "Reason for rejecting"),
    "provider.datasets": ("我的数据集", "My datasets"),
    "provider.no_datasets": ("还没有数据集。", "No datasets yet."),
    "provider.new_dataset": ("新建数据集", "New dataset"),
    "provider.edit_dataset": ("编辑数据集", "Edit dataset"),
    "provider.title": ("标题", "Title"),
    "provider.status": ("状态", "Status"),
    "provider.assets": ("我的数据资产", "My data assets"),
    "provider.no_assets": ("还没有登记数据资产。", "No registered assets yet."),
    "provider.asset_name": ("资产名称", "Asset name"),
    "provider.certificate_no": ("登记证书编号", "Certificate number"),
    "provider.offers": ("我的报价", "My offers"),
    "provider.offer_title": ("报价标题", "Offer title"),
    "provider.withdraw": ("撤回", "Withdraw"),
    "provider.title_zh": ("中文标题", "Title in Chinese"),
    "provider.title_en": ("英文标题（可选）", "Title in English (optional)"),
    "provider.description_zh": ("中文说明", "Description in Chinese"),
    "provider.description_en": ("英文说明（可选）", "Description in English (optional)"),
    "provider.keywords_hint": ("用逗号或顿号分隔", "separated by commas"),
    "provider.columns": ("字段声明", "Declared columns"),
    "provider.columns_hint": ("每行一个字段：名称, 类型[, required][, 说明]。类型：",
                              "one column a line: name, type[, required][, description]. "
                              "Types:"),
    "provider.save": ("保存", "Save"),
    "provider.revision": ("版本", "Revision"),
    "provider.review_reason": ("审核意见", "Review note"),
    "provider.edit": ("编辑元数据", "Edit metadata"),
    "provider.public_page": ("查看公开页面", "View the public page"),
    "provider.no_columns": ("尚未声明字段。", "No columns declared yet."),
    "provider.upload": ("上传数据文件", "Upload a data file"),
    "provider.file": ("数据文件（CSV 或 JSON Lines）", "Data file (CSV or JSON Lines)"),
    "provider.file_hint": ("上传后将按声明的字段检查并生成质量报告。",
                           "It is checked against the declared columns and gets a quality "
                           "report."),
    "provider.uploading": ("上传进度", "Upload progress"),
    "provider.upload_submit": ("上传", "Upload"),
    "provider.submit_heading": ("提交上架审核", "Submit for review"),
    "provider.submit_lead": ("提交后由运营方审核，审核通过即在目录中公开。",
                             "The operator reviews it; once approved it is listed in the "
                             "catalog."),
    "provider.submit": ("提交审核", "Submit for review"),
    "provider.register": ("登记数据资产", "Register a data asset"),
    "provider.register_lead": ("登记时固定数据集及其文件的哈希值，运营方审核通过后签发登记证书。",
                               "Registration pins the dataset's and its files' hashes; the "
                               "operator's approval issues a signed certificate."),
    "provider.rights": ("申请登记的权利", "Rights claimed"),
    "provider.register_submit": ("申请登记", "Register"),
    "provider.file_report": ("文件质量报告", "File quality report"),
    "provider.file_stored": ("文件已保存并完成质量分析。", "The file is stored and analysed."),
    "provider.violations": ("不符合字段声明之处", "Schema violations"),
    "provider.awaiting_review": ("等待运营方审核", "Awaiting the operator's review"),
    "provider.content_hash": ("内容哈希", "Content hash"),
    "provider.registered_at": ("登记时间", "Registered"),
    "provider.pinned": ("固定的数据集", "Pinned datasets"),
    "provider.files_pinned": ("个文件", "files"),
    "provider.valuations": ("资产评估", "Valuations"),
    "provider.no_valuations": ("尚未评估。", "Not valued yet."),
    "provider.method": ("方法", "Method"),
    "provider.value": ("评估价值", "Value"),
    "provider.report_hash": ("报告哈希", "Report hash"),
    "provider.value_cost": ("按成本法评估", "Value by the cost method"),
    "provider.yuan": ("元", "yuan"),
    "provider.cost.collection": ("采集成本", "Collection cost"),
    "provider.cost.storage": ("存储成本", "Storage cost"),
    "provider.cost.processing": ("加工成本", "Processing cost"),
    "provider.cost.labour": ("人工成本", "Labour cost"),
    "provider.cost.indirect": ("间接成本", "Indirect cost"),
    "provider.profit_rate": ("成本利润率（%）", "Profit rate (%)"),
    "provider.value_submit": ("评估", "Value"),
    "provider.new_offer": ("发布报价", "Publish an offer"),
    "provider.price_yuan": ("价格（元）", "Price (yuan)"),
    "provider.price_hint": ("订阅为每期价格；最多两位小数", "per period for subscriptions; at "
                            "most two decimals"),
    "provider.term_days": ("期限（天）", "Term (days)"),
    "provider.period_days": ("订阅周期（天，仅订阅）", "Period (days, subscriptions only)"),
    "provider.offer_rights": ("授予的权利", "Rights granted"),
    "provider.offer_submit": ("发布", "Publish"),
    "provider.certificate": ("数据资产登记证书", "Data asset registration certificate"),
    "provider.issued_at": ("签发时间", "Issued"),
    "provider.kid": ("签名密钥", "Signing key"),
    "provider.verify": ("验证签名", "Verify the signature"),
    "provider.valid": ("签名有效", "Signature valid"),
    "provider.invalid": ("签名无效", "Signature invalid"),
    "provider.current_status": ("当前登记状态", "Current registration status"),
    "provider.document": ("证书原文（JSON）", "The certificate (JSON)"),
    "provider.error.amount": ("请输入不小于 0 的数字。", "Enter a number of at least 0."),
    "provider.error.decimals": ("最多两位小数（分）。", "At most two decimals (fen)."),
    "provider.error.whole": ("请输入整数。", "Enter a whole number."),
    "provider.error.columns": ("每行应为“名称, 类型”：", "Each line is “name, type”:"),
    "provider.error.column_type": ("未知的字段类型：", "Unknown column type:"),
    "provider.error.no_file": ("请选择要上传的文件。", "Choose a file to upload."),
    "status.draft": ("草稿", "Draft"),
    "status.submitted": ("待审核", "Under review"),
    "status.listed": ("已上架", "Listed"),
    "status.rejected": ("未通过", "Rejected"),
    "status.delisted": ("已下架", "Delisted"),
    "asset.pending": ("待审核", "Pending review"),
    "asset.registered": ("已登记", "Registered"),
    "asset.rejected": ("未通过", "Rejected"),
    "asset.revoked": ("已撤销", "Revoked"),
    "offer.active": ("有效", "Active"),
    "offer.withdrawn": ("已撤回", "Withdrawn"),
    "right.holding": ("数据资源持有权", "Resource holding"),
    "right.processing": ("数据加工使用权", "Processing and use"),
    "right.operation": ("数据产品经营权", "Product operation"),
    "method.cost": ("成本法", "Cost"),
    "method.income": ("收益法", "Income"),
    "method.market": ("市场法", "Market"),
    "entry.deposit": ("入金", "Deposit"),
    "entry.escrow": ("托管", "Escrow"),
    "entry.settlement": ("结算", "Settlement"),
    "entry.refund": ("退款", "Refund"),
    "order.requested": ("待接受", "Requested"),
    "order.accepted": ("已接受", "Accepted"),
    "order.rejected": ("已拒绝", "Rejected"),
    "order.paid": ("已付款", "Paid"),
    "order.delivered": ("已交付", "Delivered"),
    "order.settled": ("已结算", "Settled"),
    "order.cancelled": ("已取消", "Cancelled"),
    "order.expired": ("已过期", "Expired"),
    "order.disputed": ("争议中", "Disputed"),
    "order.refunded": ("已退款", "Refunded"),
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
