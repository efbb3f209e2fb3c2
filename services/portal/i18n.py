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
    # --- regulator pages ------------------------------------------------------------------
    "nav.regulator": ("监管", "Regulation"),
    "regulator.nav": ("监管导航", "Regulator navigation"),
    "regulator.ledger": ("账本浏览", "Ledger explorer"),
    "regulator.ledger_lead": ("审计账本中的全部记录，最新的在前。", "Every record in the audit "
                              "ledger, newest first."),
    "regulator.filter.type": ("事件类型", "Event type"),
    "regulator.filter.type_hint": ("精确类型，或前缀如 order.*", "exact type, or a prefix like "
                                   "order.*"),
    "regulator.filter.subject": ("对象（如订单编号）", "Subject (e.g. an order id)"),
    "regulator.filter.party": ("单位或操作者", "Organisation or actor"),
    "regulator.filter.party_hint": ("单位编号或操作者标识", "organisation id or actor id"),
    "regulator.filter.apply": ("筛选", "Filter"),
    "regulator.filter.clear": ("清除筛选", "Clear filters"),
    "regulator.seq": ("序号", "Seq"),
    "regulator.type": ("类型", "Type"),
    "regulator.subject": ("对象", "Subject"),
    "regulator.actor": ("操作者", "Actor"),
    "regulator.source": ("来源服务", "Source"),
    "regulator.occurred": ("发生时间", "Occurred"),
    "regulator.recorded": ("记账时间", "Recorded"),
    "regulator.no_entries": ("没有符合条件的记录。", "No entry matches."),
    "regulator.older": ("更早的记录", "Older entries"),
    "regulator.newest": ("回到最新", "Back to the newest"),
    "regulator.searched_to": ("已检索到序号 {seq}，继续向前检索：", "Searched down to seq {seq}; "
                              "search further back:"),
    "regulator.timeline_lookup": ("交易时间线", "Trade timeline"),
    "regulator.order_id": ("订单编号", "Order id"),
    "regulator.show": ("查看", "Show"),
    "regulator.entry": ("账本记录", "Ledger entry"),
    "regulator.record": ("事件记录", "Event record"),
    "regulator.payload": ("事件内容", "Payload"),
    "regulator.hashes": ("哈希与签名", "Hashes and signatures"),
    "regulator.event_id": ("事件编号", "Event id"),
    "regulator.kid": ("来源签名密钥", "Source signing key"),
    "regulator.signature": ("来源签名", "Source signature"),
    "regulator.prev_hash": ("前一记录哈希", "Previous entry hash"),
    "regulator.entry_hash": ("记录哈希", "Entry hash"),
    "regulator.leaf_hash": ("默克尔叶哈希", "Merkle leaf hash"),
    "regulator.see_timeline": ("查看该交易的完整时间线", "See this trade's whole timeline"),
    "regulator.timeline": ("交易时间线", "Trade timeline"),
    "regulator.timeline_lead": ("账本中对象为该订单或内容提及该订单的全部记录，按时间先后。",
                                "Every ledger entry whose subject is the order or whose "
                                "payload names it, oldest first."),
    "regulator.timeline_none": ("账本中没有该订单的记录。", "The ledger has no entry about "
                                "this order."),
    "regulator.proof": ("包含性证明（在浏览器中验证）", "Inclusion proof (checked in your "
                        "browser)"),
    "regulator.proof_lead": ("本页在您的浏览器中用 WebCrypto 重新计算叶哈希，沿审计路径（RFC 9162）"
                             "算到根哈希，与审计服务签名的检查点比对，并验证检查点和来源服务的 "
                             "Ed25519 签名，无需信任门户。",
                             "Your browser recomputes the leaf hash with WebCrypto, walks the "
                             "audit path (RFC 9162) to the root, compares it with the audit "
                             "service's signed checkpoint, and checks the checkpoint's and the "
                             "source's Ed25519 signatures: you need not trust the portal."),
    "regulator.proof_noscript": ("此验证需要启用 JavaScript。", "This check needs JavaScript."),
    "regulator.proof.checking": ("正在验证…", "Checking…"),
    "regulator.proof.valid": ("有效", "valid"),
    "regulator.proof.invalid": ("无效", "invalid"),
    "regulator.proof.verdict_valid": ("验证通过：该记录包含在已签名的检查点中。",
                                      "Valid: this entry is in the signed checkpoint."),
    "regulator.proof.verdict_invalid": ("验证失败：", "Invalid: "),
    "regulator.proof.leaf": ("叶哈希（浏览器计算）", "Leaf hash (computed here)"),
    "regulator.proof.root": ("由审计路径算得的根哈希", "Root from the audit path"),
    "regulator.proof.checkpoint": ("检查点", "Checkpoint"),
    "regulator.proof.ledger_key": ("账本公钥", "Ledger key"),
    "regulator.proof.step_root": ("审计路径通向检查点的根哈希", "The audit path leads to the "
                                  "checkpoint's root"),
    "regulator.proof.step_checkpoint": ("检查点签名有效", "The checkpoint's signature is valid"),
    "regulator.proof.step_source": ("来源服务签名有效", "The source's signature is valid"),
    "regulator.proof.root_mismatch": ("由叶哈希沿审计路径算得的根哈希与检查点的根哈希不一致",
                                      "the root computed from the leaf along the audit path "
                                      "differs from the checkpoint's root"),
    "regulator.proof.path_length": ("审计路径长度不符合 RFC 9162", "the audit path has the wrong "
                                    "length for RFC 9162"),
    "regulator.proof.bad_checkpoint_signature": ("检查点签名无效", "the checkpoint's signature "
                                                 "is not valid"),
    "regulator.proof.unknown_ledger_key": ("审计服务未公布该检查点的签名密钥",
                                           "the audit service does not publish the "
                                           "checkpoint's key"),
    "regulator.proof.bad_source_signature": ("来源服务对事件记录的签名无效",
                                             "the source's signature of the record is not "
                                             "valid"),
    "regulator.proof.unknown_source_key": ("审计服务未公布该来源签名密钥",
                                           "the source's key is not published"),
    "regulator.proof.not_covered": ("该记录尚未包含在已签名的检查点中。",
                                    "No signed checkpoint covers this entry yet."),
    "regulator.proof.fetch_failed": ("无法取得验证所需的数据", "the data for the check could "
                                     "not be fetched"),
    "regulator.proof.no_webcrypto": ("此浏览器不支持所需的 WebCrypto 算法",
                                     "this browser lacks the WebCrypto algorithms needed"),
    "regulator.proof.sign_now": ("立即签发检查点", "Sign a checkpoint now"),
    "regulator.checkpoints": ("检查点", "Checkpoints"),
    "regulator.checkpoints_lead": ("审计服务用 Ed25519 签名的树头（树大小与根哈希），"
                                   "按树大小排列。",
                                   "Tree heads (size and root) signed by the audit service "
                                   "with Ed25519, by tree size."),
    "regulator.tree_size": ("树大小", "Tree size"),
    "regulator.root_hash": ("根哈希", "Root hash"),
    "regulator.signed_at": ("签发时间", "Signed"),
    "regulator.key_id": ("密钥", "Key"),
    "regulator.no_checkpoints": ("尚未签发检查点。", "No checkpoint has been signed yet."),
    "regulator.later_checkpoints": ("更多检查点", "Later checkpoints"),
    "regulator.disputes": ("争议裁决", "Disputes"),
    "regulator.disputes_open": ("待裁决", "Awaiting a ruling"),
    "regulator.disputes_ruled": ("已裁决", "Ruled"),
    "regulator.no_disputes": ("没有争议。", "No disputes."),
    "regulator.dispute": ("争议", "Dispute"),
    "regulator.dispute.order": ("订单", "Order"),
    "regulator.dispute.opened_by": ("提出方", "Opened by"),
    "regulator.dispute.opened_at": ("提出时间", "Opened"),
    "regulator.dispute.status": ("状态", "Status"),
    "regulator.dispute.reason": ("争议理由", "Complaint"),
    "regulator.dispute.evidence": ("证据（账本记录）", "Evidence (ledger entries)"),
    "regulator.dispute.no_evidence": ("未引用账本记录。", "No ledger entry cited."),
    "regulator.dispute.ruling": ("裁决", "Ruling"),
    "regulator.dispute.ruled_now": ("裁决已提交。", "The ruling has been recorded."),
    "regulator.dispute.refund": ("退款", "Refund"),
    "regulator.dispute.ruled_at": ("裁决时间", "Ruled"),
    "regulator.status.open": ("待裁决", "open"),
    "regulator.status.ruled": ("已裁决", "ruled"),
    "regulator.outcome.refund_full": ("全额退款", "Full refund"),
    "regulator.outcome.refund_partial": ("部分退款", "Partial refund"),
    "regulator.outcome.reject": ("驳回", "Reject"),
    "regulator.ruling.outcome": ("裁决结果", "Outcome"),
    "regulator.ruling.refund_yuan": ("部分退款金额（元）", "Partial refund (yuan)"),
    "regulator.ruling.refund_hint": ("仅部分退款时填写，最多两位小数", "only for a partial "
                                     "refund; at most two decimals"),
    "regulator.ruling.reason": ("裁决理由", "Reasons for the ruling"),
    "regulator.ruling.submit": ("提交裁决", "Rule"),
    "regulator.ruling.outcome_required": ("请选择裁决结果。", "Choose an outcome."),
    "regulator.ruling.reason_required": ("请填写裁决理由。", "Give the reasons for the ruling."),
    "regulator.ruling.refund_invalid": ("请输入不超过两位小数的金额（元）。",
                                        "Enter an amount in yuan with at most two decimals."),
    "regulator.trial_balance": ("试算平衡表", "Trial balance"),
    "regulator.trial_balance_lead": ("日记账中每个账户的余额；资金守恒时合计为零。",
                                     "Every journal account's balance; they sum to zero when "
                                     "money is conserved."),
    "regulator.account": ("账户", "Account"),
    "regulator.balance": ("余额", "Balance"),
    "regulator.total": ("合计", "Total"),
    "regulator.balanced": ("平衡", "Balanced"),
    "regulator.unbalanced": ("不平衡", "Not balanced"),
    "regulator.mismatches": ("会员余额与分录不一致", "Members' kept balances differing from "
                             "their postings"),
    "regulator.kept": ("记录余额", "Kept"),
    "regulator.posted": ("分录合计", "Posted"),
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
