"""The reads of 梯队培育, by user scope, in one place:

* ``precheck``: the district pre-check over every firm in the user's scope (科小/高企 预审);
* ``lists``: the district-level lists (高企申报, 高企证书 and the 重新认定 reminders, 培育库, 科小入库), which their
  exports reuse;
* ``records``: one enterprise's qualifications page (资质与培育) and the records it names by id.

The public names are re-exported here: ``from keguan.pipeline.selectors import certificate_list``.
"""

from .lists import (
    CERT_EXPIRED,
    CERT_EXPIRING,
    CERT_RENEW,
    CERT_STATES,
    CERT_VALID,
    MEMBER_ALL,
    MEMBER_IN,
    MEMBER_OUT,
    MEMBER_STATES,
    RENEWAL_MONTHS,
    SME_REMOVED,
    SME_STATES,
    SME_VALID,
    ApplicationFilters,
    CertificateFilters,
    CertificateRow,
    MemberFilters,
    RenewalState,
    SmeFilters,
    VisitFilters,
    add_months,
    application_list,
    application_status_counts,
    batch_default,
    certificate_list,
    certificate_rows,
    certificate_years,
    current_pools,
    expiring_q,
    pool_counts,
    pool_get,
    pool_list,
    pool_members,
    renewal_due,
    renewal_due_count,
    renewal_due_preview,
    renewal_due_summary,
    renewal_horizon,
    renewal_q,
    renewal_states,
    sme_list,
    sme_year_counts,
    sme_years,
    visit_list,
)
from .precheck import (
    CENTS_COLUMNS,
    HNTE,
    RULE_CHOICES,
    RULE_SHORT,
    STAGE_LABELS,
    STATUS_ORDER,
    TECH_SME,
    Candidate,
    Cents,
    Precheck,
    PrecheckFilters,
    enterprises_chosen,
    precheck_run,
)
from .records import (
    EnterpriseRecords,
    application_of,
    certificate_of,
    enterprise_records,
    fact_of,
    firms_to_serve,
    membership_of,
    pools_for,
    records_history,
    sme_record_of,
    visits_recorded_by,
)

__all__ = [
    "firms_to_serve", "visits_recorded_by", "VisitFilters", "expiring_q", "visit_list",
    "CENTS_COLUMNS", "CERT_EXPIRED", "CERT_EXPIRING", "CERT_RENEW", "CERT_STATES", "CERT_VALID", "HNTE", "MEMBER_ALL",
    "MEMBER_IN", "MEMBER_OUT", "MEMBER_STATES", "RENEWAL_MONTHS", "RULE_CHOICES", "RULE_SHORT", "SME_REMOVED",
    "SME_STATES", "SME_VALID", "STAGE_LABELS", "STATUS_ORDER", "TECH_SME", "ApplicationFilters", "Candidate", "Cents",
    "CertificateFilters", "CertificateRow", "EnterpriseRecords", "MemberFilters", "Precheck", "PrecheckFilters",
    "RenewalState", "SmeFilters", "add_months", "application_list", "application_of", "application_status_counts",
    "batch_default", "certificate_list", "certificate_of", "certificate_rows", "certificate_years", "current_pools",
    "enterprise_records", "enterprises_chosen", "fact_of", "membership_of", "pool_counts", "pool_get", "pool_list",
    "pool_members", "pools_for", "precheck_run", "records_history", "renewal_due", "renewal_due_count", "renewal_due_summary",
    "renewal_due_preview", "renewal_horizon", "renewal_q", "renewal_states", "sme_list", "sme_record_of",
    "sme_year_counts", "sme_years",
]
