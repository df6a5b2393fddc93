"""Request and response schemas of the referential API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PublicOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    group_code: str
    group_name: str
    centre_code: str | None


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    city: str | None
    parent_code: str | None
    active: bool


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    active: bool | None = None


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=20)
    name: str = Field(max_length=200)
    kind: Literal["national", "regionale", "centre_national", "cgss"]
    city: str | None = Field(default=None, max_length=100)


class DeploymentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["en_production", "prevue", "a_prevoir"]
    planned_year: int | None = Field(default=None, ge=2020, le=2040)


class LiveOut(BaseModel):
    component: str
    public: str
    live: bool
