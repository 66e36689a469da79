"""Review: an upload waits as *submitted* until approved (then it is committed, on top of
whatever version is active then) or returned with a note.

The submission keeps the upload's clean rows (JSON) and its raw file's record, so an
approval commits exactly what was validated and every row stays accounted for.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.store import db, merge
from geodata.store.schema import Tables, check_kind

STATES: tuple[str, ...] = ("submitted", "approved", "returned")


class Reviews:
    """The ``submissions`` table (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def submit(
        self,
        kind: str,
        period: str,
        data: pd.DataFrame,
        points: pd.DataFrame | None = None,
        *,
        mode: str = "merge",
        scope: str | None = None,
        scope_codes: Iterable[str] | None = None,
        region: str | None = None,
        created_by: str | None = None,
        raw_upload: dict | None = None,
        summary: str = "",
    ) -> dict:
        """Keep an upload for review; returns the submission (``id``, ``raw_upload_id``)."""
        check_kind(kind)
        merge.check_mode(mode)
        payload = json.dumps(
            {
                "data": data.to_json(orient="split", index=False),
                "points": None if points is None else points.to_json(orient="split", index=False),
                "scope_codes": None if scope_codes is None else [str(c) for c in scope_codes],
            }
        )
        t = self.tables.submissions
        with self.engine.begin() as conn:
            raw_id = self._insert_raw_upload(conn, **raw_upload) if raw_upload else None
            sub_id = conn.execute(
                t.insert().values(
                    kind=kind,
                    period=period,
                    mode=mode,
                    scope=scope,
                    region=region,
                    state="submitted",
                    payload=payload,
                    summary=db.text(summary) or "",
                    raw_upload_id=raw_id,
                    created_at=db.now(),
                    created_by=db.text(created_by),
                )  # fmt: skip
            ).inserted_primary_key[0]
        return {"id": int(sub_id), "raw_upload_id": raw_id}

    def submissions(self, state: str | None = None) -> list[dict]:
        """Submissions (newest first), without their rows; `state` filters."""
        t = self.tables.submissions
        cols = [c for c in t.columns if c.name != "payload"]
        query = sa.select(*cols).order_by(t.c.id.desc())
        if state:
            query = query.where(t.c.state == state)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def submission(self, sub_id: int) -> dict | None:
        t = self.tables.submissions
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == int(sub_id))).mappings().first()
        return None if row is None else dict(row)

    def approve(self, sub_id: int, reviewer: str | None) -> int:
        """Commit a submitted upload as the next version; returns that version."""
        sub = self._pending(sub_id)
        payload = json.loads(sub["payload"])
        data = pd.read_json(io.StringIO(payload["data"]), orient="split", dtype={"code": str})
        points = payload.get("points")
        if points is not None:
            points = pd.read_json(
                io.StringIO(points), orient="split",
                dtype={"code": str, "facility_id": str, "name": str},
            )  # fmt: skip
        r = self.tables.raw_uploads
        with self.engine.connect() as conn:
            filename = conn.execute(
                sa.select(r.c.filename).where(r.c.id == sub["raw_upload_id"])
            ).scalar()
        done = self.commit(
            sub["kind"], sub["period"], data, points, mode=sub["mode"], scope=sub["scope"],
            scope_codes=payload.get("scope_codes"), source=f"upload: {filename}",
            created_by=sub["created_by"], raw_upload_id=sub["raw_upload_id"],
            note=f"{sub['summary']}; approved by {reviewer or '-'}",
        )  # fmt: skip
        self._close(sub_id, "approved", reviewer, "", done.version)
        return int(done.version)

    def return_submission(self, sub_id: int, reviewer: str | None, note: str) -> None:
        """Send a submission back to its uploader with a note; nothing is committed."""
        self._pending(sub_id)
        self._close(sub_id, "returned", reviewer, note, None)

    def _pending(self, sub_id: int) -> dict:
        sub = self.submission(sub_id)
        if sub is None:
            raise LookupError(f"no submission {sub_id}")
        if sub["state"] != "submitted":
            raise ValueError(f"submission {sub_id} is already {sub['state']}")
        return sub

    def _close(self, sub_id, state, reviewer, note, version) -> None:
        t = self.tables.submissions
        with self.engine.begin() as conn:
            conn.execute(
                t.update()
                .where(t.c.id == int(sub_id))
                .values(
                    state=state,
                    reviewed_by=db.text(reviewer),
                    reviewed_at=db.now(),
                    review_note=db.text(note) or "",
                    version=version,
                )  # fmt: skip
            )
