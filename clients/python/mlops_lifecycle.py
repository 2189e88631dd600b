"""Log experiment runs and drift data to MLOps Lifecycle from a notebook, a script or CI.

Standard library only, so it works in any Python 3.8+ image without installing anything:
copy this one file next to your code (or onto PYTHONPATH).

    from mlops_lifecycle import log_run
    log_run("churn-model", {"auc": 0.91, "val/loss": 0.34}, params={"lr": 0.01})

The app's address and the project's token come from MLOPS_URL and MLOPS_TOKEN (a token is made
with `/mlops token <slug>` in Slack), or from Client(url=..., token=...).

Every POST carries an Idempotency-Key, generated once per call and reused on each retry, so a
retried request after a timeout or a 503 never logs a run (or a drift batch) twice. Errors from
the API raise MlopsError with its `error` code, the `field` at fault and its `message`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional

__all__ = ["Client", "MlopsError", "log_run", "send_reference", "send_batch"]
__version__ = "1.0.0"

# Statuses worth another try: the request may not have been handled, or the app asked to wait.
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class MlopsError(Exception):
    """The API refused a request (or could not be reached after the retries).

    status:  the HTTP status, or None when no answer came (connection refused, timeout)
    error:   the API's error code, e.g. "invalid_request", "unauthorized", "idempotency_conflict"
    field:   the field to fix, e.g. "metrics.auc" or "Idempotency-Key", when there is one
    message: the API's sentence saying what went wrong
    """

    def __init__(self, status: Optional[int], error: str, message: str, field: Optional[str] = None):
        super().__init__(f"{status or 'no answer'} {error}: {message}")
        self.status = status
        self.error = error
        self.field = field
        self.message = message


class Client:
    """A connection to one MLOps Lifecycle app, with one project token.

    retries: how many times a request is sent again after a network error, a timeout, a 429 or
    a 5xx (the same Idempotency-Key each time); waits grow 0.5 s, 1 s, 2 s… with jitter, or
    follow the app's Retry-After.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
    ):
        url = url if url is not None else os.environ.get("MLOPS_URL")
        token = token if token is not None else os.environ.get("MLOPS_TOKEN")
        if not url:
            raise MlopsError(None, "missing_url", "Set MLOPS_URL to the app's address (e.g. https://mlops.example.com), or pass url=.")
        if not token:
            raise MlopsError(None, "missing_token", "Set MLOPS_TOKEN to a project token (made with /mlops token <slug> in Slack), or pass token=.")
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise MlopsError(None, "invalid_url", f"MLOPS_URL must be an http(s) address, not {url!r}.")
        self.url = url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff

    def __repr__(self) -> str:  # never shows the token
        return f"Client(url={self.url!r})"

    # ---- runs -------------------------------------------------------------------------------

    def log_run(
        self,
        slug: str,
        metrics: Mapping[str, float],
        *,
        params: Optional[Mapping[str, Any]] = None,
        dataset: Optional[str] = None,
        commit: Optional[str] = None,
        url: Optional[str] = None,
        name: Optional[str] = None,
        note: Optional[str] = None,
        tags: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Logs a run; its summary is posted in the project's Slack channel. Returns the run as JSON.

        Params and tags are sent as text (the API stores them as strings). Pass the same
        idempotency_key on a rerun of the same CI job to get the first run back instead of a second.
        """
        body: Dict[str, Any] = {"metrics": {str(k): _number(v, f"metrics.{k}") for k, v in dict(metrics).items()}}
        if params:
            body["params"] = {str(k): _text(v) for k, v in dict(params).items()}
        if tags:
            body["tags"] = {str(k): _text(v) for k, v in dict(tags).items()}
        for key, value in (("dataset", dataset), ("commit", commit), ("url", url), ("name", name), ("note", note)):
            if value is not None:
                body[key] = str(value)
        return self._post(f"/projects/{_slug(slug)}/runs", body, idempotency_key)

    # ---- drift ------------------------------------------------------------------------------

    def send_reference(
        self,
        slug: str,
        data: Any,
        *,
        predictions: Optional[Iterable[Any]] = None,
        labels: Optional[Iterable[Any]] = None,
        prediction_column: Optional[str] = None,
        label_column: Optional[str] = None,
        kinds: Optional[Mapping[str, str]] = None,
    ) -> Dict[str, Any]:
        """Sets the project's drift reference sample (replacing the previous one).

        data: a pandas DataFrame or a dict of equal-length lists, one per feature column.
        prediction_column / label_column name columns of `data` holding the model's predictions
        and the true labels (they are taken out of the features), or pass predictions= / labels=.
        kinds: {"zip": "categorical"} where a column of numbers is really a category.
        """
        body = _columns_body(data, predictions, labels, prediction_column, label_column)
        if kinds:
            body["kinds"] = dict(kinds)
        # Setting the same reference twice stores the same sample, so a retry is harmless.
        return self._post(f"/projects/{_slug(slug)}/reference", body, None, idempotent_key=False)

    def send_batch(
        self,
        slug: str,
        data: Any,
        *,
        predictions: Optional[Iterable[Any]] = None,
        labels: Optional[Iterable[Any]] = None,
        prediction_column: Optional[str] = None,
        label_column: Optional[str] = None,
        timestamp: Optional[Any] = None,
        idempotency_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Sends a batch of current data; returns its drift report (an alert is raised in Slack when it drifts).

        timestamp: when the batch was observed (a datetime with a zone, or ISO 8601 text); now if None.
        """
        body = _columns_body(data, predictions, labels, prediction_column, label_column)
        if timestamp is not None:
            body["timestamp"] = _timestamp(timestamp)
        return self._post(f"/projects/{_slug(slug)}/observations", body, idempotency_key)

    # ---- transport --------------------------------------------------------------------------

    def _post(self, path: str, body: Dict[str, Any], key: Optional[str], idempotent_key: bool = True) -> Dict[str, Any]:
        # allow_nan=False: JSON has no NaN, and the API refuses a bare NaN as invalid JSON.
        data = json.dumps(body, allow_nan=False, ensure_ascii=False).encode("utf-8")
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": f"mlops-lifecycle-python/{__version__}",
        }
        if idempotent_key:
            headers["Idempotency-Key"] = key or f"py-{uuid.uuid4()}"
        return self._send(urllib.request.Request(self.url + "/api/v1" + path, data=data, method="POST", headers=headers))

    def _send(self, request: urllib.request.Request) -> Dict[str, Any]:
        attempt = 0
        while True:
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as res:
                    return _json(res.read(), res.status)
            except urllib.error.HTTPError as err:
                status = err.code
                raw = err.read()
                retry_after = err.headers.get("Retry-After") if err.headers else None
                if status not in _RETRY_STATUSES or attempt >= self.retries:
                    raise _api_error(status, raw) from None
                wait = _retry_after(retry_after)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                if attempt >= self.retries:
                    reason = getattr(err, "reason", err)
                    raise MlopsError(None, "unreachable", f"Could not reach {self.url}: {reason}") from None
                wait = None
            attempt += 1
            delay = wait if wait is not None else self.backoff * (2 ** (attempt - 1)) * (0.75 + random.random() / 2)
            time.sleep(min(delay, 60.0))


# ---- module-level helpers reading MLOPS_URL / MLOPS_TOKEN ----------------------------------


def log_run(slug: str, metrics: Mapping[str, float], **kwargs: Any) -> Dict[str, Any]:
    """Client().log_run(...) with MLOPS_URL and MLOPS_TOKEN from the environment."""
    return Client().log_run(slug, metrics, **kwargs)


def send_reference(slug: str, data: Any, **kwargs: Any) -> Dict[str, Any]:
    """Client().send_reference(...) with MLOPS_URL and MLOPS_TOKEN from the environment."""
    return Client().send_reference(slug, data, **kwargs)


def send_batch(slug: str, data: Any, **kwargs: Any) -> Dict[str, Any]:
    """Client().send_batch(...) with MLOPS_URL and MLOPS_TOKEN from the environment."""
    return Client().send_batch(slug, data, **kwargs)


# ---- values ---------------------------------------------------------------------------------


def _slug(slug: str) -> str:
    return urllib.parse.quote(str(slug), safe="")


def _number(value: Any, field: str) -> float:
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MlopsError(None, "invalid_request", f"{field}: a metric is a finite number, not {value!r}.", field)
    return value


def _text(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, str):
        return value
    # True → "true", [1, 2] → "[1, 2]": the JSON form reads the same in Slack as in Python.
    return json.dumps(value) if isinstance(value, (list, dict, bool)) or value is None else str(value)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars (np.float32, pd.Timestamp…) as plain Python values."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, bytes)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


def _cell(value: Any) -> Any:
    """One cell for JSON: NaN, NaT, pandas NA and None are missing (null); datetimes as ISO text."""
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)):
        return value
    # pandas.NA and NaT are their own types; both compare unequal to themselves or raise.
    try:
        if value != value:  # noqa: PLR0124 — the NaN test that also catches NaT
            return None
    except TypeError:
        return None
    return str(value)


def _column(values: Any, name: str) -> List[Any]:
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise MlopsError(None, "invalid_request", f"{name}: a column is a list of values, not {type(values).__name__}.", name)
    return [_cell(v) for v in values]


def _columns_body(data: Any, predictions: Any, labels: Any, prediction_column: Optional[str], label_column: Optional[str]) -> Dict[str, Any]:
    """{"features": {...}, "predictions"?: [...], "labels"?: [...]} from a DataFrame or a dict of lists."""
    if hasattr(data, "columns") and hasattr(data, "__getitem__") and not isinstance(data, Mapping):
        columns = {str(c): data[c] for c in data.columns}  # a pandas DataFrame
    elif isinstance(data, Mapping):
        columns = {str(c): v for c, v in data.items()}
    else:
        raise MlopsError(None, "invalid_request", f"data: pass a pandas DataFrame or a dict of lists, not {type(data).__name__}.", "features")
    for special, given, what in ((prediction_column, predictions, "predictions"), (label_column, labels, "labels")):
        if special is not None:
            if given is not None:
                raise MlopsError(None, "invalid_request", f"{what}: pass {what}= or a column name, not both.", what)
            if special not in columns:
                raise MlopsError(None, "invalid_request", f"{what}: data has no column {special!r}.", what)
    body: Dict[str, Any] = {}
    preds = columns.pop(prediction_column) if prediction_column is not None else predictions
    labs = columns.pop(label_column) if label_column is not None else labels
    body["features"] = {name: _column(values, f"features.{name}") for name, values in columns.items()}
    if preds is not None:
        body["predictions"] = _column(preds, "predictions")
    if labs is not None:
        body["labels"] = _column(labs, "labels")
    return body


def _timestamp(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise MlopsError(None, "invalid_request", "timestamp: give the datetime a zone (e.g. datetime.now(timezone.utc)).", "timestamp")
        return value.isoformat()
    return str(value)


def _json(raw: bytes, status: int) -> Dict[str, Any]:
    try:
        return json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        raise MlopsError(status, "invalid_response", f"The app answered {status} with a body that is not JSON.") from None


def _api_error(status: int, raw: bytes) -> MlopsError:
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        return MlopsError(status, str(body.get("error")), str(body.get("message") or ""), body.get("field"))
    text = raw[:200].decode("utf-8", "replace").strip()
    return MlopsError(status, f"http_{status}", text or f"The app answered {status}.")


def _retry_after(header: Optional[str]) -> Optional[float]:
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        return None
