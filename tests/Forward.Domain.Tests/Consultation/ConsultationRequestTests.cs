using Forward.Domain.Consultation;

namespace Forward.Domain.Tests.Consultation;

public class ConsultationRequestTests
{
    private static readonly DateTime Now = new(2026, 6, 8, 8, 0, 0, DateTimeKind.Utc);

    private static ConsultationRequest NewRequest() => new()
    {
        Reference = ConsultationRequest.NewReference(),
        NhsNumber = "9434765919",
        GivenName = "Ada",
        FamilyName = "Lovelace",
        RedFlagAnswers = "chest-pain=no",
        Status = ConsultationStatus.New,
        SubmittedUtc = Now,
    };

    private static DomainException Fails(Action act) => Assert.ThrowsAny<DomainException>(act);

    [Fact]
    public void References_are_short_unambiguous_and_different()
    {
        var refs = Enumerable.Range(0, 200).Select(_ => ConsultationRequest.NewReference()).ToList();
        Assert.All(refs, r =>
        {
            Assert.Equal(ConsultationRequest.ReferenceLength, r.Length);
            Assert.Equal('-', r[3]);
            Assert.DoesNotContain(r, c => c is '0' or 'O' or '1' or 'I' or 'L' or 'U');
        });
        Assert.Equal(refs.Count, refs.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Start_makes_it_in_progress_and_assigns_it_to_the_starter()
    {
        var r = NewRequest();
        r.Start("dr.who", Now);
        Assert.Equal(ConsultationStatus.InProgress, r.Status);
        Assert.Equal("dr.who", r.AssignedTo);
        Assert.Equal("Started", Assert.Single(r.History).What);
        Assert.Equal(2, r.Version);
    }

    [Fact]
    public void Starting_twice_is_a_conflict()
    {
        var r = NewRequest();
        r.Start("a", Now);
        Assert.Equal("consultation-already-started", Fails(() => r.Start("b", Now)).Code);
    }

    [Fact]
    public void Assign_and_reassign_are_recorded_and_keep_the_status()
    {
        var r = NewRequest();
        r.Assign("nurse.a", "manager", Now);
        r.Assign("nurse.a", "manager", Now); // no change, no event
        r.Assign("dr.b", "manager", Now.AddMinutes(5));
        Assert.Equal("dr.b", r.AssignedTo);
        Assert.Equal(ConsultationStatus.New, r.Status);
        Assert.Equal(["Assigned to nurse.a", "Assigned to dr.b"], r.History.Select(h => h.What));
    }

    [Fact]
    public void Close_records_outcome_and_time_and_is_final()
    {
        var r = NewRequest();
        r.Start("dr.b", Now);
        r.Close(ConsultationOutcome.SelfCare, "  Advice sent  ", null, "dr.b", Now.AddHours(2));
        Assert.Equal(ConsultationStatus.Closed, r.Status);
        Assert.Equal(ConsultationOutcome.SelfCare, r.Outcome);
        Assert.Equal("Advice sent", r.OutcomeNote);
        Assert.Equal(Now.AddHours(2), r.ClosedUtc);
        Assert.Equal("consultation-closed", Fails(() => r.Close(ConsultationOutcome.Closed, null, null, "x", Now)).Code);
        Assert.Equal("consultation-closed", Fails(() => r.Assign("x", "y", Now)).Code);
        Assert.Equal("consultation-closed", Fails(() => r.Start("x", Now)).Code);
        Assert.Equal(DomainErrorKind.Conflict, Fails(() => r.Start("x", Now)).Kind);
    }

    [Fact]
    public void A_new_request_can_be_closed_directly()
    {
        var r = NewRequest();
        r.Close(ConsultationOutcome.Pharmacy, null, null, "reception", Now);
        Assert.Equal("reception", r.AssignedTo);
        Assert.True(r.IsClosed);
    }

    [Fact]
    public void Booking_needs_an_appointment_and_others_must_not_have_one()
    {
        var r = NewRequest();
        Assert.Equal("appointment-required", Fails(() => r.Close(ConsultationOutcome.BookAppointment, null, null, "a", Now)).Code);
        Assert.Equal(DomainErrorKind.Validation, Fails(() => r.Close(ConsultationOutcome.BookAppointment, null, 0, "a", Now)).Kind);
        Assert.Equal("appointment-not-expected", Fails(() => r.Close(ConsultationOutcome.Prescription, null, 7, "a", Now)).Code);
        Assert.Equal(ConsultationStatus.New, r.Status);
        r.Close(ConsultationOutcome.BookAppointment, null, 42, "a", Now);
        Assert.Equal(42, r.BookedAppointmentId);
    }

    [Fact]
    public void A_note_over_the_limit_is_refused() =>
        Assert.Equal("note-too-long", Fails(() => NewRequest().Close(ConsultationOutcome.Closed, new string('x', ConsultationRequest.MaxOutcomeNoteLength + 1), null, "a", Now)).Code);

    [Fact]
    public void Staff_name_is_required() =>
        Assert.Equal("by-required", Fails(() => NewRequest().Start(" ", Now)).Code);
}
