"""The provider's console and datasets: drafts created and edited, files and their
quality reports, submission for the listing review."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from services.clients import ApiProblem
from services.portal.access import ApiDep, ProviderDep
from services.portal.backends import Caller
from services.portal.charts import radar
from services.portal.i18n import Translator, choose_language
from services.portal.pages.catalog import GRADES, OPEN_TYPES
from services.portal.pages.provider_forms import (
    COLUMN_TYPES,
    DATASET_FIELDS,
    FormInvalid,
    api_field_errors,
    columns_text,
    parse_columns,
    word_list,
)
from services.portal.session import Visitor
from services.portal.templating import render

router = APIRouter(prefix="/provider")

FREQUENCIES = ("realtime", "hourly", "daily", "weekly", "monthly", "quarterly",
               "semiannual", "annual", "irregular", "static")
LICENCES = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0", "PDDL-1.0")
EDITABLE = frozenset({"draft", "rejected", "listed", "delisted"})
SUBMITTABLE = frozenset({"draft", "delisted"})
RIGHTS = ("holding", "processing", "operation")
RECENT_ENTRIES = 20


class DatasetForm(BaseModel):
    """The dataset form as posted: every field text, checked by the catalog."""

    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    keywords: str = ""
    themes: list[str] = []
    open_type: str = "conditional"
    grade: str = "general"
    update_frequency: str = "monthly"
    licence: str = "CC-BY-4.0"
    columns: str = ""

    def metadata(self) -> dict[str, Any]:
        """The catalog's metadata fields (columns parsed, keywords split)."""
        return {"title": {"zh": self.title_zh, "en": self.title_en},
                "description": {"zh": self.description_zh, "en": self.description_en},
                "keywords": word_list(self.keywords), "themes": self.themes,
                "open_type": self.open_type, "grade": self.grade,
                "update_frequency": self.update_frequency, "licence": self.licence,
                "schema": parse_columns(self.columns)}

    @classmethod
    def of(cls, dataset: dict[str, Any]) -> DatasetForm:
        """The form filled with a dataset's metadata, for editing."""
        return cls(title_zh=dataset["title"]["zh"], title_en=dataset["title"]["en"],
                   description_zh=dataset["description"]["zh"],
                   description_en=dataset["description"]["en"],
                   keywords=", ".join(dataset["keywords"]), themes=dataset["themes"],
                   open_type=dataset["open_type"], grade=dataset["grade"],
                   update_frequency=dataset["update_frequency"], licence=dataset["licence"],
                   columns=columns_text(dataset["schema"]))


def see_other(path: str) -> Response:
    """The redirect after a successful form post (POST-redirect-GET)."""
    return RedirectResponse(path, status_code=303)


def _form_page(request: Request, api: Caller, form: DatasetForm, *,
               dataset: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    return render(request, "provider/dataset_form.html", {
        "form": form, "dataset": dataset, "errors": errors or {},
        "themes": api.catalog.themes(), "open_types": OPEN_TYPES,
        "grades": GRADES, "frequencies": FREQUENCIES, "licences": LICENCES,
        "column_types": COLUMN_TYPES,
    }, status_code=status_code)


def _refused(problem: ApiProblem) -> dict[str, str]:
    if problem.status not in (409, 422):
        raise problem
    return api_field_errors(problem, DATASET_FIELDS)


def invalid_field(request: Request, invalid: FormInvalid) -> dict[str, str]:
    """The portal's own refusal of a field, in the visitor's language, by field."""
    t = Translator(choose_language(request))
    return {invalid.field: f"{t(invalid.key)} {invalid.detail}".strip()}


def settlements(member: Visitor, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Journal entries with what each did to the member's available balance."""
    own = f"{member.org_id}:available"
    return [{**entry, "available_fen": sum(p["amount_fen"] for p in entry["postings"]
                                           if p["account"] == own)}
            for entry in entries]


@router.get("")
def console(request: Request, member: ProviderDep, api: ApiDep) -> Response:
    """My datasets (drafts included), assets, offers, incoming orders, balance and
    settlements."""
    datasets = api.catalog.search({"mine": True, "limit": 100})["items"]
    orders = api.exchange.orders_as("provider")["items"]
    return render(request, "provider/console.html", {
        "member": member, "datasets": datasets,
        "assets": api.exchange.my_assets()["items"],
        "offers": api.exchange.provider_offers(str(member.org_id))["items"],
        "orders": orders, "account": api.exchange.account(),
        "entries": settlements(member, api.exchange.account_entries(limit=RECENT_ENTRIES)),
    })


@router.get("/datasets/new")
def new_dataset(request: Request, _member: ProviderDep, api: ApiDep) -> Response:
    """The empty dataset form."""
    return _form_page(request, api, DatasetForm())


@router.post("/datasets")
def create_dataset(request: Request, member: ProviderDep, api: ApiDep,
                   form: Annotated[DatasetForm, Form()]) -> Response:
    """Create a draft; refusals show next to their fields."""
    try:
        body = {**form.metadata(), "publisher_name": member.org_name}
        created = api.catalog.create_dataset(body)
    except FormInvalid as invalid:
        return _form_page(request, api, form, errors=invalid_field(request, invalid),
                          status_code=422)
    except ApiProblem as problem:
        return _form_page(request, api, form, errors=_refused(problem),
                          status_code=problem.status)
    return see_other(f"/provider/datasets/{created['id']}")


@router.get("/datasets/{dataset_id}")
def dataset_page(request: Request, _member: ProviderDep, api: ApiDep,
                 dataset_id: str) -> Response:
    """One of my datasets: status, review, files, upload, submission, registration."""
    return dataset_page_for(request, api, dataset_id)


def dataset_page_for(request: Request, api: Caller, dataset_id: str, *,
                     errors: dict[str, str] | None = None,
                     asset_form: dict[str, Any] | None = None,
                     status_code: int = 200) -> Response:
    """The provider's page of a dataset, with the refusal of a form on it if any."""
    dataset = api.catalog.dataset_document(dataset_id)
    return render(request, "provider/dataset.html", {
        "dataset": dataset, "errors": errors or {}, "asset_form": asset_form,
        "editable": dataset["status"] in EDITABLE,
        "submittable": dataset["status"] in SUBMITTABLE,
        "registrable": dataset["status"] == "listed", "rights": RIGHTS,
    }, status_code=status_code)


@router.get("/datasets/{dataset_id}/edit")
def edit_form(request: Request, _member: ProviderDep, api: ApiDep,
              dataset_id: str) -> Response:
    """The dataset form filled with its current metadata."""
    dataset = api.catalog.dataset_document(dataset_id)
    return _form_page(request, api, DatasetForm.of(dataset), dataset=dataset)


@router.post("/datasets/{dataset_id}/edit")
def edit_dataset(request: Request, _member: ProviderDep, api: ApiDep, dataset_id: str,
                 form: Annotated[DatasetForm, Form()]) -> Response:
    """Save the metadata; refusals show next to their fields."""
    try:
        api.catalog.edit_dataset(dataset_id, form.metadata())
    except (FormInvalid, ApiProblem) as refusal:
        dataset = api.catalog.dataset_document(dataset_id)
        if isinstance(refusal, FormInvalid):
            errors, status = invalid_field(request, refusal), 422
        else:
            errors, status = _refused(refusal), refusal.status
        return _form_page(request, api, form, dataset=dataset, errors=errors,
                          status_code=status)
    return see_other(f"/provider/datasets/{dataset_id}")


@router.post("/datasets/{dataset_id}/submit")
def submit_dataset(_member: ProviderDep, api: ApiDep, dataset_id: str) -> Response:
    """Send the dataset to the operator's listing review."""
    api.catalog.submit_dataset(dataset_id)
    return see_other(f"/provider/datasets/{dataset_id}")


def file_quality_view(report: dict[str, Any]) -> dict[str, Any]:
    """What the quality report template draws, from a file's full report."""
    quality = report.get("quality") or {}
    scores = {str(d.get("dimension")): d.get("score") for d in quality.get("dimensions") or []}
    return {"summary": {"overall_score": quality.get("overall_score")},
            "radar": radar(scores), "columns": quality.get("columns") or [],
            "violations": quality.get("violations") or [],
            "pii": [p for p in report.get("pii") or [] if p.get("flagged")]}


@router.get("/datasets/{dataset_id}/files/{file_id}")
def file_report(request: Request, _member: ProviderDep, api: ApiDep, dataset_id: str,
                file_id: str) -> Response:
    """An uploaded file's quality report, schema violations and masked sample."""
    dataset = api.catalog.dataset_document(dataset_id)
    report = api.catalog.file_quality(dataset_id, file_id)
    return render(request, "provider/file.html", {
        "dataset": dataset, "report": report, "quality": file_quality_view(report),
        "sample": api.catalog.file_sample(dataset_id, file_id),
        "submittable": dataset["status"] in SUBMITTABLE,
    })
