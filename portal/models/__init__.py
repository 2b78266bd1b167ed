"""Typed SQLAlchemy 2.0 models, one module per domain area."""

from portal.accounts.models import MembershipStatus, Role, User
from portal.apprenticeships.models import (
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
from portal.audit.models import AppendOnlyError, AuditEntry, AuditEntryOrganisation
from portal.exchanges.models import (
    Exchange,
    ExchangeDirection,
    ExchangeStatus,
    PracticePost,
    PracticePostStatus,
)
from portal.internships.models import Placement, PlacementStatus, TimelineEntry
from portal.internships.profile_models import StudentProfile
from portal.labour_market.models import LabourMarketFigure  # noqa: F401  (its table in the metadata)
from portal.models.api import ApiToken, DeliveryStatus, IdempotentWrite, TokenScope, Webhook, WebhookDelivery
from portal.named_classes.models import ApplicationStatus, ClassApplication, NamedClass, NamedClassStatus
from portal.notifications.models import Notification
from portal.organisations.models import Enterprise, Organisation, OrgKind, OrgStatus, School
from portal.partnerships.cooperation_models import (
    AdmissionsMode,
    Cooperation,
    CooperationKind,
    CooperationStatus,
)
from portal.partnerships.models import PostingFeatures, Proposal, ProposalStatus, TextModelState
from portal.pilots.models import (
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotObjection,
    PilotPartnership,
    PilotStatus,
)
from portal.planning.models import AlignmentThreshold, PostingMajor, SupplySnapshot
from portal.platform.models import Job, JobStatus
from portal.postings.models import Posting, PostingKind, PostingSearch
from portal.programs.models import Program, PublicationStatus
from portal.programs.school_models import (
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
from portal.rules.models import RuleSetting

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
    "PostingSearch",
    "Program",
    "PublicationStatus",
    "Proposal",
    "TextModelState",
    "PostingFeatures",
    "ProposalStatus",
    "Role",
    "StudentProfile",
    "School",
    "User",
]

# The domains added later (training, pathways, certificates, enterprise reports, education groups):
# imported so that create_all and Alembic see their tables.
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
from portal.training import models as _training_models  # noqa: F401

__all__ += ["Pathway", "PathwayCohort", "PathwayKind"]
__all__ += ["EducationGroup", "GroupMember", "GroupShare", "MemberKind", "ShareKind"]
__all__ += ["EnterpriseReport", "InvestmentKind", "ReportInvestment", "ReportStatus"]
__all__ += ["CertificateLevel", "ExamResult", "ExamSession", "ExamSite", "SiteRole", "SkillCertificate"]
