"""Roles and the signed-in actor every service checks permissions against."""

from __future__ import annotations

from dataclasses import dataclass

from services.core.errors import PermissionDenied

ADMIN = "admin"
CITY_LEADER = "city_leader"
LEADER = "leader"
CLERK = "clerk"
SPECIALIST = "specialist"
DEPARTMENT_HEAD = "department_head"

ROLE_LABELS = {
    ADMIN: "Quản trị hệ thống",
    CITY_LEADER: "Lãnh đạo thành phố",
    LEADER: "Lãnh đạo phường/xã",
    CLERK: "Cán bộ một cửa",
    SPECIALIST: "Chuyên viên",
    DEPARTMENT_HEAD: "Trưởng phòng chuyên môn",
}
ALL_ROLES = tuple(ROLE_LABELS)
CITY_WIDE_ROLES = {ADMIN, CITY_LEADER}
DEPARTMENT_ROLES = {SPECIALIST, DEPARTMENT_HEAD}


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    roles: frozenset[str]
    unit_id: int | None
    department_id: int | None

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def city_wide(self) -> bool:
        return self.has(*CITY_WIDE_ROLES)

    def require(self, *roles: str) -> None:
        if not self.has(*roles):
            raise PermissionDenied()

    def can_read_unit(self, unit_id: int | None) -> bool:
        return self.city_wide or (unit_id is not None and unit_id == self.unit_id)

    def require_unit(self, unit_id: int | None) -> None:
        """Ward staff act only on their own unit's records; city roles read every unit."""
        if not self.can_read_unit(unit_id):
            raise PermissionDenied("Bản ghi này thuộc đơn vị khác; bạn không có quyền truy cập.")


def parse_roles(text: str) -> frozenset[str]:
    return frozenset(role for role in (part.strip() for part in text.split(",")) if role)


def format_roles(roles) -> str:
    return ",".join(sorted(roles))
