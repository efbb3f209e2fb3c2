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
    # --- buyer pages: ordering, orders, payment, download, disputes, vouchers ---
    "nav.orders": ("我的订单", "My orders"),
    "offer.order": ("订购", "Order"),
    "order.new_title": ("订购数据产品", "Order a data product"),
    "order.offer": ("报价", "Offer"),
    "order.rights": ("授予权利", "Rights granted"),
    "order.purposes": ("允许用途", "Permitted purposes"),
    "order.territory": ("使用地域", "Territory"),
    "order.onward_transfer": ("允许转让", "Onward transfer"),
    "order.attribution": ("须注明来源", "Attribution required"),
    "order.terms": ("合同条款", "Contract terms"),
    "order.terms_sha256": ("条款摘要（SHA-256）", "Terms digest (SHA-256)"),
    "order.purpose": ("使用目的", "Purpose"),
    "order.purpose_hint": ("写入合同，例如：城市交通规划研究",
                           "Goes into the contract, e.g. urban transport planning research"),
    "order.purpose_category": ("用途类别", "Purpose category"),
    "order.quantity": ("购买数量", "Quantity"),
    "order.quantity_invalid": ("请填写正整数。", "Enter a whole number above zero."),
    "order.accept_terms": ("我已阅读并接受上述合同条款",
                           "I have read and accept the contract terms above"),
    "order.must_accept": ("请先接受合同条款。", "Accept the contract terms first."),
    "order.submit": ("提交订单", "Place the order"),
    "order.not_buyer": ("以数据需求方账户登录后即可订购。", "Sign in as a buyer to order."),
    "orders.title": ("我的订单", "My orders"),
    "orders.none": ("暂无订单。", "No orders yet."),
    "orders.status": ("状态", "Status"),
    "orders.all": ("全部", "All"),
    "orders.filter": ("筛选", "Filter"),
    "orders.order": ("订单", "Order"),
    "orders.amount": ("金额", "Amount"),
    "orders.created": ("下单时间", "Ordered"),
    "order.title": ("订单详情", "Order"),
    "order.status": ("订单状态", "Status"),
    "order.amount": ("应付金额", "Amount due"),
    "order.list_amount": ("标价", "List price"),
    "order.fee": ("平台服务费", "Exchange fee"),
    "order.provider_net": ("提供方实收", "Paid to the provider"),
    "order.refunded": ("已退款", "Refunded"),
    "order.due": ("截止时间", "Deadline"),
    "order.timeline": ("订单进度", "Timeline"),
    "order.contract": ("合同", "Contract"),
    "order.contract_sha256": ("合同摘要（SHA-256）", "Contract digest (SHA-256)"),
    "order.concluded": ("合同成立时间", "Concluded"),
    "order.acceptances": ("签署确认", "Signed acceptances"),
    "order.contract_json": ("合同全文（JSON）", "Full contract (JSON)"),
    "order.pay": ("支付", "Pay"),
    "order.pay_lead": ("支付后款项由平台托管，确认收货后结算给提供方。",
                       "The payment is held in escrow and paid to the provider when you "
                       "confirm receipt."),
    "order.balance": ("可用余额", "Available balance"),
    "order.short": ("余额不足，请先充值。", "The balance is too low; make a deposit first."),
    "order.pay_submit": ("确认支付", "Pay now"),
    "order.cancel": ("取消订单", "Cancel the order"),
    "order.download": ("下载数据", "Download the data"),
    "order.download_lead": ("平台使用您的访问授权从目录服务获取文件。",
                            "The portal fetches the file from the catalog with your access "
                            "grant."),
    "order.confirm": ("确认收货", "Confirm receipt"),
    "order.confirm_lead": ("确认后订单结算，平台出具签名交易凭证。",
                           "Confirming settles the order; the exchange issues a signed trade "
                           "voucher."),
    "order.dispute": ("发起争议", "Open a dispute"),
    "order.statement": ("争议陈述", "Statement"),
    "order.statement_hint": ("说明问题所在；结算将被冻结，由监管方裁决。",
                             "Say what is wrong; settlement is frozen until a regulator "
                             "rules."),
    "order.dispute_submit": ("提交争议", "Open the dispute"),
    "order.voucher": ("交易凭证", "Trade voucher"),
    "order.voucher_open": ("查看并验证凭证", "View and verify the voucher"),
    "order.done.placed": ("订单已提交，等待提供方接受。",
                          "Order placed; waiting for the provider to accept."),
    "order.done.paid": ("支付成功，款项已托管。", "Paid; the money is in escrow."),
    "order.done.cancelled": ("订单已取消。", "The order is cancelled."),
    "order.done.settled": ("已确认收货，订单已结算。", "Receipt confirmed; the order is settled."),
    "order.done.disputed": ("争议已提交，等待监管方裁决。",
                            "Dispute opened; awaiting a regulator's ruling."),
    "voucher.title": ("交易凭证", "Trade voucher"),
    "voucher.check": ("验证结果", "Verification"),
    "voucher.valid": ("签名有效：由交易所签发。", "Valid signature: issued by the exchange."),
    "voucher.invalid": ("签名无效", "Invalid signature"),
    "voucher.kid": ("签名密钥", "Signing key"),
    "voucher.order_status": ("订单当前状态", "Order status now"),
    "voucher.download": ("下载凭证（JSON）", "Download the voucher (JSON)"),
    "voucher.document": ("凭证内容", "Voucher content"),
    "voucher.back": ("返回订单", "Back to the order"),
    "state.requested": ("待接受", "Requested"),
    "state.accepted": ("待支付", "Accepted"),
    "state.rejected": ("已拒绝", "Rejected"),
    "state.paid": ("已支付", "Paid"),
    "state.delivered": ("已交付", "Delivered"),
    "state.settled": ("已结算", "Settled"),
    "state.cancelled": ("已取消", "Cancelled"),
    "state.expired": ("已过期", "Expired"),
    "state.disputed": ("争议中", "Disputed"),
    "state.refunded": ("已退款", "Refunded"),
    "move.accept": ("提供方接受", "Accepted by the provider"),
    "move.reject": ("提供方拒绝", "Rejected by the provider"),
    "move.refuse": ("监管方不予批准", "Refused by a regulator"),
    "move.cancel": ("需求方取消", "Cancelled by the buyer"),
    "move.expire": ("超时关闭", "Expired"),
    "move.pay": ("需求方支付", "Paid by the buyer"),
    "move.deliver": ("数据已交付", "Data delivered"),
    "move.confirm": ("需求方确认收货", "Receipt confirmed"),
    "move.auto_settle": ("到期自动结算", "Settled automatically"),
    "move.dispute": ("发起争议", "Dispute opened"),
    "move.rule_refund_full": ("裁决全额退款", "Ruled: full refund"),
    "move.rule_refund_partial": ("裁决部分退款", "Ruled: partial refund"),
    "move.rule_reject": ("裁决驳回", "Ruled: complaint rejected"),
    "move.request": ("需求方下单", "Ordered by the buyer"),
    "purpose.commercial": ("商业用途", "Commercial"),
    "purpose.research": ("科学研究", "Research"),
    "purpose.public_welfare": ("公益事业", "Public welfare"),
    "purpose.government": ("政务用途", "Government"),
    "purpose.any": ("不限", "Any"),
    "right.processing": ("加工使用权", "Processing"),
    "right.operation": ("产品经营权", "Operation"),
    "right.holding": ("资源持有权", "Holding"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
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
