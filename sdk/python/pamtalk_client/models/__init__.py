"""Contains all the data models used in inputs/outputs"""

from .anchor_in_bundle import AnchorInBundle
from .anchor_out import AnchorOut
from .anomaly_out import AnomalyOut
from .anomaly_page import AnomalyPage
from .bundle_out import BundleOut
from .cancel_in import CancelIn
from .certification import Certification
from .certification_term import CertificationTerm
from .chain_out import ChainOut
from .consistency_out import ConsistencyOut
from .crop import Crop
from .crop_totals import CropTotals
from .dashboard_out import DashboardOut
from .dashboard_out_by_status import DashboardOutByStatus
from .data_window import DataWindow
from .day_totals import DayTotals
from .entry_kind import EntryKind
from .entry_object import EntryObject
from .entry_object_payload import EntryObjectPayload
from .entry_out import EntryOut
from .entry_with_proof_out import EntryWithProofOut
from .esg_assessment import EsgAssessment
from .esg_assessment_detail import EsgAssessmentDetail
from .esg_assessment_detail_breakdown import EsgAssessmentDetailBreakdown
from .esg_data import EsgData
from .esg_history import EsgHistory
from .esg_item_out import EsgItemOut
from .esg_reward_out import EsgRewardOut
from .esg_scored_data import EsgScoredData
from .esg_scored_notification import EsgScoredNotification
from .esg_submission_in import EsgSubmissionIn
from .esg_submission_out import EsgSubmissionOut
from .esg_submission_out_status import EsgSubmissionOutStatus
from .farm_contact import FarmContact
from .farm_esg_out import FarmEsgOut
from .farm_in import FarmIn
from .farm_out import FarmOut
from .farm_patch import FarmPatch
from .farm_sizes import FarmSizes
from .farm_status import FarmStatus
from .field_error import FieldError
from .forecast_finished_data import ForecastFinishedData
from .forecast_finished_data_status import ForecastFinishedDataStatus
from .forecast_finished_notification import ForecastFinishedNotification
from .forecast_out import ForecastOut
from .forecast_out_history_source import ForecastOutHistorySource
from .forecast_point_out import ForecastPointOut
from .forecast_region import ForecastRegion
from .grade import Grade
from .inclusion_proof_out import InclusionProofOut
from .job_accepted import JobAccepted
from .job_accepted_status import JobAcceptedStatus
from .job_in import JobIn
from .job_out import JobOut
from .job_out_status import JobOutStatus
from .job_page import JobPage
from .job_request import JobRequest
from .job_result import JobResult
from .job_summary import JobSummary
from .job_summary_status import JobSummaryStatus
from .latest_esg import LatestEsg
from .ledger_key_out import LedgerKeyOut
from .login_in import LoginIn
from .model_info import ModelInfo
from .model_info_backtest import ModelInfoBacktest
from .movement_out import MovementOut
from .my_wallets_out import MyWalletsOut
from .notification_page import NotificationPage
from .page_anchor_out import PageAnchorOut
from .page_entry_out import PageEntryOut
from .page_farm_out import PageFarmOut
from .page_movement_out import PageMovementOut
from .page_tree_head_out import PageTreeHeadOut
from .password_change import PasswordChange
from .problem import Problem
from .profile_update import ProfileUpdate
from .profile_update_language_type_0 import ProfileUpdateLanguageType0
from .public_key_out import PublicKeyOut
from .public_keys_out import PublicKeysOut
from .read_all import ReadAll
from .redeem_in import RedeemIn
from .redemption_out import RedemptionOut
from .refresh_in import RefreshIn
from .region import Region
from .review_flag import ReviewFlag
from .review_in import ReviewIn
from .review_in_decision import ReviewInDecision
from .risk_band import RiskBand
from .role import Role
from .role_grant import RoleGrant
from .rpc_request import RpcRequest
from .rpc_response import RpcResponse
from .rpc_response_error_type_0 import RpcResponseErrorType0
from .signal_out import SignalOut
from .signup_in import SignupIn
from .signup_in_language import SignupInLanguage
from .supply_out import SupplyOut
from .term import Term
from .token_pair import TokenPair
from .tokens_received_data import TokensReceivedData
from .tokens_received_notification import TokensReceivedNotification
from .totals import Totals
from .trade_data import TradeData
from .trade_data_role import TradeDataRole
from .trade_flagged_data import TradeFlaggedData
from .trade_flagged_data_role import TradeFlaggedDataRole
from .trade_flagged_notification import TradeFlaggedNotification
from .trade_in import TradeIn
from .trade_in_payment_method import TradeInPaymentMethod
from .trade_notification import TradeNotification
from .trade_notification_kind import TradeNotificationKind
from .trade_out import TradeOut
from .trade_page import TradePage
from .trade_status import TradeStatus
from .transfer_in import TransferIn
from .transfer_out import TransferOut
from .tree_head_out import TreeHeadOut
from .unread_count import UnreadCount
from .user_out import UserOut
from .user_out_language import UserOutLanguage
from .wallet_link import WalletLink
from .wallet_out import WalletOut
from .welcome_data import WelcomeData
from .welcome_notification import WelcomeNotification

__all__ = (
    "AnchorInBundle",
    "AnchorOut",
    "AnomalyOut",
    "AnomalyPage",
    "BundleOut",
    "CancelIn",
    "Certification",
    "CertificationTerm",
    "ChainOut",
    "ConsistencyOut",
    "Crop",
    "CropTotals",
    "DashboardOut",
    "DashboardOutByStatus",
    "DataWindow",
    "DayTotals",
    "EntryKind",
    "EntryObject",
    "EntryObjectPayload",
    "EntryOut",
    "EntryWithProofOut",
    "EsgAssessment",
    "EsgAssessmentDetail",
    "EsgAssessmentDetailBreakdown",
    "EsgData",
    "EsgHistory",
    "EsgItemOut",
    "EsgRewardOut",
    "EsgScoredData",
    "EsgScoredNotification",
    "EsgSubmissionIn",
    "EsgSubmissionOut",
    "EsgSubmissionOutStatus",
    "FarmContact",
    "FarmEsgOut",
    "FarmIn",
    "FarmOut",
    "FarmPatch",
    "FarmSizes",
    "FarmStatus",
    "FieldError",
    "ForecastFinishedData",
    "ForecastFinishedDataStatus",
    "ForecastFinishedNotification",
    "ForecastOut",
    "ForecastOutHistorySource",
    "ForecastPointOut",
    "ForecastRegion",
    "Grade",
    "InclusionProofOut",
    "JobAccepted",
    "JobAcceptedStatus",
    "JobIn",
    "JobOut",
    "JobOutStatus",
    "JobPage",
    "JobRequest",
    "JobResult",
    "JobSummary",
    "JobSummaryStatus",
    "LatestEsg",
    "LedgerKeyOut",
    "LoginIn",
    "ModelInfo",
    "ModelInfoBacktest",
    "MovementOut",
    "MyWalletsOut",
    "NotificationPage",
    "PageAnchorOut",
    "PageEntryOut",
    "PageFarmOut",
    "PageMovementOut",
    "PageTreeHeadOut",
    "PasswordChange",
    "Problem",
    "ProfileUpdate",
    "ProfileUpdateLanguageType0",
    "PublicKeyOut",
    "PublicKeysOut",
    "ReadAll",
    "RedeemIn",
    "RedemptionOut",
    "RefreshIn",
    "Region",
    "ReviewFlag",
    "ReviewIn",
    "ReviewInDecision",
    "RiskBand",
    "Role",
    "RoleGrant",
    "RpcRequest",
    "RpcResponse",
    "RpcResponseErrorType0",
    "SignalOut",
    "SignupIn",
    "SignupInLanguage",
    "SupplyOut",
    "Term",
    "TokenPair",
    "TokensReceivedData",
    "TokensReceivedNotification",
    "Totals",
    "TradeData",
    "TradeDataRole",
    "TradeFlaggedData",
    "TradeFlaggedDataRole",
    "TradeFlaggedNotification",
    "TradeIn",
    "TradeInPaymentMethod",
    "TradeNotification",
    "TradeNotificationKind",
    "TradeOut",
    "TradePage",
    "TradeStatus",
    "TransferIn",
    "TransferOut",
    "TreeHeadOut",
    "UnreadCount",
    "UserOut",
    "UserOutLanguage",
    "WalletLink",
    "WalletOut",
    "WelcomeData",
    "WelcomeNotification",
)
