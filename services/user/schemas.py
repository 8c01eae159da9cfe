"""Request and response bodies of the user service."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from pamtalk.bodies import RequestBody

SelfServiceRole = Literal["farmer", "consumer", "company"]
Role = Literal["farmer", "consumer", "company", "committee", "admin"]
Language = Literal["ko", "en"]
WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")


class SignupIn(RequestBody):
    email: EmailStr
    password: str = Field(min_length=10, max_length=128, description="10 to 128 characters")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role = Field(description="farmer, consumer or company; committee and admin are granted by an admin")
    language: Language = "ko"
    phone: str | None = Field(default=None, max_length=30, pattern=r"^\+?[0-9 \-]{7,20}$")

    @field_validator("display_name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("display name must not be blank")
        return value


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    language: Language
    phone: str | None = None
    wallet_address: str | None = None
    created_at: datetime


class LoginIn(RequestBody):
    email: EmailStr
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(RequestBody):
    refresh_token: str = Field(min_length=10, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    user: UserOut


class ProfileUpdate(RequestBody):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    language: Language | None = None
    phone: str | None = Field(default=None, max_length=30, pattern=r"^\+?[0-9 \-]{7,20}$")


class PasswordChange(RequestBody):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=10, max_length=128)


class WalletLink(RequestBody):
    address: str = Field(description="Ethereum-style address: 0x followed by 40 hex digits")

    @field_validator("address")
    @classmethod
    def _check(cls, value: str) -> str:
        if not WALLET.match(value):
            raise ValueError("a wallet address is 0x followed by 40 hexadecimal digits")
        return value.lower()


class RoleGrant(RequestBody):
    role: Role
