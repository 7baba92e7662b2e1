//! Correction requests: what may be corrected, where each kind is routed,
//! and how a request moves from open to resolved or rejected.

/// What a person asks to have corrected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionKind {
    /// Vaccination data belongs to the national vaccination portal.
    Vaccination,
    /// Recovery status ("F0 khỏi bệnh") is issued by the ward.
    Recovery,
}

impl CorrectionKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "vaccination" => Some(Self::Vaccination),
            "recovery" => Some(Self::Recovery),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vaccination => "vaccination",
            Self::Recovery => "recovery",
        }
    }

    /// Where a request of this kind goes: `national_portal` or `ward`.
    pub fn routed_to(self) -> &'static str {
        match self {
            Self::Vaccination => "national_portal",
            Self::Recovery => "ward",
        }
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionState {
    Open,
    InProgress,
    Resolved,
    Rejected,
}

impl CorrectionState {
    pub const ALL: [Self; 4] = [Self::Open, Self::InProgress, Self::Resolved, Self::Rejected];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Rejected => "rejected",
        }
    }

    /// Resolved and rejected requests are closed: a new problem is a new request.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Resolved | Self::Rejected)
    }

    /// Whether a request may move from this state to `to`: forward only,
    /// from an open or in-progress request to any later state.
    pub fn may_move_to(self, to: Self) -> bool {
        matches!(
            (self, to),
            (
                Self::Open,
                Self::InProgress | Self::Resolved | Self::Rejected
            ) | (Self::InProgress, Self::Resolved | Self::Rejected)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_move_forward_only() {
        use CorrectionState::*;
        assert!(Open.may_move_to(InProgress));
        assert!(Open.may_move_to(Resolved));
        assert!(Open.may_move_to(Rejected));
        assert!(InProgress.may_move_to(Resolved));
        assert!(InProgress.may_move_to(Rejected));
        assert!(!InProgress.may_move_to(Open));
        assert!(!Open.may_move_to(Open));
        for closed in [Resolved, Rejected] {
            assert!(closed.is_closed());
            for to in CorrectionState::ALL {
                assert!(!closed.may_move_to(to), "{closed:?} to {to:?}");
            }
        }
    }

    #[test]
    fn kinds_are_routed() {
        assert_eq!(CorrectionKind::Vaccination.routed_to(), "national_portal");
        assert_eq!(CorrectionKind::Recovery.routed_to(), "ward");
        assert_eq!(
            CorrectionKind::parse("recovery"),
            Some(CorrectionKind::Recovery)
        );
        assert_eq!(CorrectionKind::parse("dose"), None);
        assert_eq!(
            CorrectionState::parse("in_progress"),
            Some(CorrectionState::InProgress)
        );
    }
}
