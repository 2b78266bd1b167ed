"""Typed SQLAlchemy 2.0 models, one module per domain area."""

from portal.models.accounts import MembershipStatus, Role, User
from portal.models.alignment import AlignmentThreshold, PostingMajor, SupplySnapshot
from portal.models.api import ApiToken, DeliveryStatus, IdempotentWrite, TokenScope, Webhook, WebhookDelivery
from portal.models.apprenticeships import (
    AllocationRun,
    ApprenticeAgreement,
    ApprenticeChoice,
    ApprenticePlace,
    ApprenticeshipProgramme,
    EnterpriseRanking,
    ProgrammeStatus,
    RankedBy,
    RunStatus,
)
from portal.models.audit import AppendOnlyError, AuditEntry, AuditEntryOrganisation
from portal.models.cooperation import (
    AdmissionsMode,
    Cooperation,
    CooperationKind,
    CooperationStatus,
)
from portal.models.exchanges import (
    Exchange,
    ExchangeDirection,
    ExchangeStatus,
    PracticePost,
    PracticePostStatus,
)
from portal.models.internships import Placement, PlacementStatus, TimelineEntry
from portal.models.jobs import Job, JobStatus
from portal.models.named_classes import ApplicationStatus, ClassApplication, NamedClass, NamedClassStatus
from portal.models.notifications import Notification
from portal.models.organisations import Enterprise, Organisation, OrgKind, OrgStatus, School
from portal.models.pilots import (
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotObjection,
    PilotPartnership,
    PilotStatus,
)
from portal.models.postings import Posting, PostingKind
from portal.models.profiles import StudentProfile
from portal.models.programs import Program, PublicationStatus
from portal.models.proposals import Proposal, ProposalStatus
from portal.models.rules import RuleSetting
from portal.models.schools import (
    CertificateKind,
    Degree,
    Employment,
    NeedStatus,
    TargetGroup,
    Teacher,
    TeacherCertificate,
    TeacherPractice,
    TeachingNeed,
    TrainingOffer,
)

__all__ = [
    "ApprenticeAgreement",
    "RuleSetting",
    "ApiToken",
    "DeliveryStatus",
    "IdempotentWrite",
    "TokenScope",
    "Webhook",
    "WebhookDelivery",
    "CertificateKind",
    "AlignmentThreshold",
    "SupplySnapshot",
    "PostingMajor",
    "Placement",
    "PlacementStatus",
    "TimelineEntry",
    "Job",
    "JobStatus",
    "AllocationRun",
    "ApprenticeChoice",
    "ApprenticePlace",
    "ApprenticeshipProgramme",
    "EnterpriseRanking",
    "ProgrammeStatus",
    "RankedBy",
    "RunStatus",
    "AdmissionsMode",
    "Cooperation",
    "CooperationKind",
    "CooperationStatus",
    "AppendOnlyError",
    "AuditEntry",
    "AuditEntryOrganisation",
    "Notification",
    "ApplicationStatus",
    "ClassApplication",
    "NamedClass",
    "NamedClassStatus",
    "Exchange",
    "ExchangeDirection",
    "ExchangeStatus",
    "PracticePost",
    "PracticePostStatus",
    "Degree",
    "Employment",
    "NeedStatus",
    "TargetGroup",
    "Teacher",
    "TeacherCertificate",
    "TeacherPractice",
    "TeachingNeed",
    "TrainingOffer",
    "Enterprise",
    "MembershipStatus",
    "OrgKind",
    "OrgStatus",
    "Organisation",
    "PilotEnterpriseApplication",
    "PilotEnterpriseStatus",
    "PilotObjection",
    "PilotPartnership",
    "PilotStatus",
    "Posting",
    "PostingKind",
    "Program",
    "PublicationStatus",
    "Proposal",
    "ProposalStatus",
    "Role",
    "StudentProfile",
    "School",
    "User",
]

# --- issue 29: models of the new domain packages, imported so that the metadata holds their tables.
from portal.certificates.models import (
    CertificateLevel,
    ExamResult,
    ExamSession,
    ExamSite,
    SiteRole,
    SkillCertificate,
)
from portal.education_groups.models import EducationGroup, GroupMember, GroupShare, MemberKind, ShareKind
from portal.enterprise_reports.models import EnterpriseReport, InvestmentKind, ReportInvestment, ReportStatus
from portal.pathways.models import Pathway, PathwayCohort, PathwayKind

__all__ += ["Pathway", "PathwayCohort", "PathwayKind"]
__all__ += ["EducationGroup", "GroupMember", "GroupShare", "MemberKind", "ShareKind"]
__all__ += ["EnterpriseReport", "InvestmentKind", "ReportInvestment", "ReportStatus"]
__all__ += ["CertificateLevel", "ExamResult", "ExamSession", "ExamSite", "SiteRole", "SkillCertificate"]
# --- end issue 29
