using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Consultation;
using Forward.Domain.Navigation;
using Forward.Domain.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forward.Data.Configurations;

internal sealed class ConsultationRequestConfiguration : IEntityTypeConfiguration<ConsultationRequest>
{
    public void Configure(EntityTypeBuilder<ConsultationRequest> b)
    {
        b.Property(x => x.Reference).HasMaxLength(ConsultationRequest.ReferenceLength);
        b.Property(x => x.NhsNumber).HasMaxLength(10);
        b.Property(x => x.GivenName).HasMaxLength(ConsultationRequest.MaxNameLength);
        b.Property(x => x.FamilyName).HasMaxLength(ConsultationRequest.MaxNameLength);
        b.Property(x => x.Email).HasMaxLength(ConsultationRequest.MaxEmailLength);
        b.Property(x => x.Mobile).HasMaxLength(ConsultationRequest.MaxMobileLength);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.AdminType).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.ProblemSummary).HasMaxLength(ConsultationRequest.MaxSummaryLength);
        b.Property(x => x.Duration).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Severity).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Details).HasMaxLength(ConsultationRequest.MaxDetailsLength);
        b.Property(x => x.RedFlagAnswers).HasMaxLength(ConsultationRequest.MaxRedFlagAnswersLength);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.AssignedTo).HasMaxLength(ConsultationRequest.MaxStaffNameLength);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.OutcomeNote).HasMaxLength(ConsultationRequest.MaxOutcomeNoteLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.IsClosed);

        // The reference is what the patient quotes: one request each.
        b.HasIndex(x => x.Reference).IsUnique();
        b.Property(x => x.SubmissionKey).HasMaxLength(FormKeys.MaxLength);
        b.HasIndex(x => x.SubmissionKey).IsUnique();

        // The triage queue: a practice's requests by status, soonest deadline first.
        b.HasIndex(x => new { x.PracticeId, x.Status, x.DeadlineUtc });

        // The daily cap counts a practice's requests since midnight.
        b.HasIndex(x => new { x.PracticeId, x.SubmittedUtc });

        // The per-NHS-number limit counts one person's requests in the last 24 hours.
        b.HasIndex(x => new { x.NhsNumber, x.SubmittedUtc });

        // Acknowledgements are limited per contact: a mobile's or an email's requests in the last 24 hours.
        b.HasIndex(x => new { x.Mobile, x.SubmittedUtc });
        b.HasIndex(x => new { x.Email, x.SubmittedUtc });
        b.HasIndex(x => x.PatientId);

        b.HasOne(x => x.Practice).WithMany().HasForeignKey(x => x.PracticeId);
        b.HasOne(x => x.Patient).WithMany().HasForeignKey(x => x.PatientId);
        b.HasOne<Appointment>().WithMany().HasForeignKey(x => x.BookedAppointmentId);
        b.HasMany(x => x.History).WithOne().HasForeignKey(x => x.ConsultationRequestId);
    }
}

internal sealed class ConsultationEventConfiguration : IEntityTypeConfiguration<ConsultationEvent>
{
    public void Configure(EntityTypeBuilder<ConsultationEvent> b)
    {
        b.Property(x => x.By).HasMaxLength(ConsultationRequest.MaxStaffNameLength);
        b.Property(x => x.What).HasMaxLength(ConsultationEvent.MaxWhatLength);
        b.HasIndex(x => new { x.ConsultationRequestId, x.AtUtc });
    }
}

internal sealed class PracticeOnlineSettingsConfiguration : IEntityTypeConfiguration<PracticeOnlineSettings>
{
    public void Configure(EntityTypeBuilder<PracticeOnlineSettings> b)
    {
        b.HasKey(x => x.PracticeId);
        b.Property(x => x.PausedMessage).HasMaxLength(PracticeOnlineSettings.MaxMessageLength);
        b.HasOne(x => x.Practice).WithOne().HasForeignKey<PracticeOnlineSettings>(x => x.PracticeId);
    }
}

internal sealed class LocalServiceConfiguration : IEntityTypeConfiguration<LocalService>
{
    public void Configure(EntityTypeBuilder<LocalService> b)
    {
        b.HasIndex(x => x.Code).IsUnique();

        // The directory page: a CCG's services by category.
        b.HasIndex(x => new { x.CcgId, x.Category });
        b.Property(x => x.Code).HasMaxLength(LocalService.MaxCodeLength);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Name).HasMaxLength(LocalService.MaxNameLength);
        b.Property(x => x.WhoFor).HasMaxLength(LocalService.MaxTextLength);
        b.Property(x => x.HowToRefer).HasMaxLength(LocalService.MaxTextLength);
        b.Property(x => x.Hours).HasMaxLength(LocalService.MaxHoursLength);
        b.Property(x => x.Phone).HasMaxLength(LocalService.MaxPhoneLength);
        b.Property(x => x.Website).HasMaxLength(LocalService.MaxWebsiteLength);
        b.Property(x => x.Keywords).HasMaxLength(LocalService.MaxKeywordsLength);
        b.Property(x => x.Source).HasMaxLength(LocalService.MaxSourceLength);
        b.HasOne(x => x.Ccg).WithMany().HasForeignKey(x => x.CcgId);
        b.HasOne(x => x.Network).WithMany().HasForeignKey(x => x.NetworkId);
    }
}

internal sealed class SignpostingRecordConfiguration : IEntityTypeConfiguration<SignpostingRecord>
{
    public void Configure(EntityTypeBuilder<SignpostingRecord> b)
    {
        b.Property(x => x.Reason).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.RecordedBy).HasMaxLength(100);
        b.Property(x => x.FormKey).HasMaxLength(FormKeys.MaxLength);
        b.HasIndex(x => x.FormKey).IsUnique();

        // "Appointments navigation saved": a practice's records over a date range.
        b.HasIndex(x => new { x.PracticeId, x.RecordedUtc });
        b.HasIndex(x => x.LocalServiceId);
        b.HasOne(x => x.Practice).WithMany().HasForeignKey(x => x.PracticeId);
        b.HasOne(x => x.LocalService).WithMany().HasForeignKey(x => x.LocalServiceId);
    }
}

internal sealed class NavigatorTrainingConfiguration : IEntityTypeConfiguration<NavigatorTraining>
{
    public void Configure(EntityTypeBuilder<NavigatorTraining> b)
    {
        b.ToTable("NavigatorTraining");
        b.Property(x => x.StaffName).HasMaxLength(NavigatorTraining.MaxStaffNameLength);
        b.Property(x => x.Course).HasMaxLength(NavigatorTraining.MaxCourseLength);
        b.Property(x => x.StaffNameKey).HasMaxLength(NavigatorTraining.MaxStaffNameKeyLength);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.PracticeId, x.StaffNameKey }).IsUnique();
        b.Property(x => x.FormKey).HasMaxLength(FormKeys.MaxLength);
        b.HasIndex(x => x.FormKey).IsUnique();
        b.HasOne(x => x.Practice).WithMany().HasForeignKey(x => x.PracticeId);
    }
}
