using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forward.Data.Configurations;

internal sealed class CareSystemConfiguration : IEntityTypeConfiguration<CareSystem>
{
    public void Configure(EntityTypeBuilder<CareSystem> b)
    {
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Source).HasMaxLength(500);
    }
}

internal sealed class CcgConfiguration : IEntityTypeConfiguration<Ccg>
{
    public void Configure(EntityTypeBuilder<Ccg> b)
    {
        b.HasIndex(x => x.OdsCode).IsUnique();
        b.Property(x => x.OdsCode).HasMaxLength(10);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Source).HasMaxLength(500);
        b.HasOne(x => x.CareSystem).WithMany(x => x.Ccgs).HasForeignKey(x => x.CareSystemId);
    }
}

internal sealed class NetworkConfiguration : IEntityTypeConfiguration<PrimaryCareNetwork>
{
    public void Configure(EntityTypeBuilder<PrimaryCareNetwork> b)
    {
        b.ToTable("Networks");
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Locality).HasMaxLength(200);
        b.Property(x => x.Source).HasMaxLength(500);
        b.HasOne(x => x.Ccg).WithMany(x => x.Networks).HasForeignKey(x => x.CcgId);
    }
}

internal sealed class PracticeConfiguration : IEntityTypeConfiguration<Practice>
{
    public void Configure(EntityTypeBuilder<Practice> b)
    {
        b.HasIndex(x => x.OdsCode).IsUnique();
        b.Property(x => x.OdsCode).HasMaxLength(10);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.ClinicalSystem).HasMaxLength(50);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.Property(x => x.Contract).HasConversion<string>().HasMaxLength(10);
        b.HasOne(x => x.Network).WithMany(x => x.Practices).HasForeignKey(x => x.NetworkId);
    }
}

internal sealed class HubConfiguration : IEntityTypeConfiguration<Hub>
{
    public void Configure(EntityTypeBuilder<Hub> b)
    {
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.SiteName).HasMaxLength(200);
        b.Property(x => x.Town).HasMaxLength(100);
        b.Property(x => x.OpeningHours).HasMaxLength(500);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.Property(x => x.Source).HasMaxLength(500);
        b.Property(x => x.Tier).HasConversion<string>().HasMaxLength(30);
        b.HasOne(x => x.Ccg).WithMany().HasForeignKey(x => x.CcgId);
    }
}

internal sealed class HubPracticeConfiguration : IEntityTypeConfiguration<HubPractice>
{
    public void Configure(EntityTypeBuilder<HubPractice> b)
    {
        b.HasKey(x => new { x.HubId, x.PracticeId });
        b.HasIndex(x => x.PracticeId);
        b.HasOne(x => x.Hub).WithMany(x => x.ServedPractices).HasForeignKey(x => x.HubId);
        b.HasOne(x => x.Practice).WithMany().HasForeignKey(x => x.PracticeId);
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Role).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
        b.Ignore(x => x.Length);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Property(x => x.FormKey).HasMaxLength(FormKeys.MaxLength);
        b.HasIndex(x => x.FormKey).IsUnique();
        b.HasOne(x => x.Hub).WithMany(x => x.Sessions).HasForeignKey(x => x.HubId);
    }
}

internal sealed class SessionOverrideConfiguration : IEntityTypeConfiguration<SessionOverride>
{
    public void Configure(EntityTypeBuilder<SessionOverride> b)
    {
        b.HasIndex(x => new { x.SessionId, x.Date }).IsUnique();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Reason).HasMaxLength(200);
        b.HasOne(x => x.Session).WithMany(x => x.Overrides).HasForeignKey(x => x.SessionId);
    }
}

internal sealed class SlotConfiguration : IEntityTypeConfiguration<Slot>
{
    public void Configure(EntityTypeBuilder<Slot> b)
    {
        // Regenerating a rota finds "the same slot" by this key, so it can never create a duplicate.
        b.HasIndex(x => new { x.SessionId, x.ClinicianIndex, x.StartUtc }).IsUnique();

        // A hub's slots in a time range (compliance summaries). Status is left out of it on purpose: booking a slot
        // changes only its status, so on SQLite this index is not written by bookings (PostgreSQL writes a new row
        // version with new entries in every index anyway, the status being in the partial index's condition).
        b.HasIndex(x => new { x.HubId, x.StartUtc });

        // Free-slot search: a hub's free slots in a time range. Only free slots are in it, so a booking deletes one
        // entry instead of moving it to the booked part of the index (two index pages written per booked slot).
        b.HasIndex(x => new { x.HubId, x.StartUtc }, "IX_Slots_Free_HubId_StartUtc").HasFilter("\"Status\" = 'Free'");
        b.Property(x => x.Role).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Ignore(x => x.Key);
        b.HasOne(x => x.Session).WithMany().HasForeignKey(x => x.SessionId);
        b.HasOne(x => x.Hub).WithMany().HasForeignKey(x => x.HubId);
    }
}

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> b)
    {
        b.HasIndex(x => x.NhsNumber).IsUnique();
        b.Property(x => x.NhsNumber).HasMaxLength(10);
        b.Property(x => x.GivenName).HasMaxLength(Patient.MaxNameLength);
        b.Property(x => x.FamilyName).HasMaxLength(Patient.MaxNameLength);
        b.Property(x => x.Phone).HasMaxLength(Patient.MaxPhoneLength);
        b.Property(x => x.Email).HasMaxLength(200);
        b.Property(x => x.SummaryProblems).HasMaxLength(2000);
        b.Property(x => x.SummaryMedications).HasMaxLength(2000);
        b.Property(x => x.SummaryAllergies).HasMaxLength(1000);
        b.Ignore(x => x.FullName);
        b.HasOne(x => x.RegisteredPractice).WithMany().HasForeignKey(x => x.RegisteredPracticeId);
    }
}

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.Property(x => x.Role).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Consent).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.BookedBy).HasMaxLength(100);
        b.Property(x => x.CancelledBy).HasMaxLength(100);
        b.Property(x => x.OutcomeRecordedBy).HasMaxLength(100);
        b.Property(x => x.BookingOrganisationOds).HasMaxLength(10);
        b.Property(x => x.Reason).HasMaxLength(Appointment.MaxReasonLength);
        b.Property(x => x.Description).HasMaxLength(Appointment.MaxDescriptionLength);
        b.Property(x => x.Comment).HasMaxLength(Appointment.MaxCommentLength);
        b.Property(x => x.CancellationReason).HasMaxLength(Appointment.MaxCancellationReasonLength);
        b.Property(x => x.IdempotencyKey).HasMaxLength(100);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.IsActive);

        // A retried request with the same key from the same caller finds the first booking instead of making a second.
        b.HasIndex(x => new { x.BookedBy, x.IdempotencyKey }).IsUnique();
        b.HasIndex(x => new { x.PatientId, x.Status });
        b.HasIndex(x => new { x.HubId, x.StartUtc });

        // NHS 111 finds what its organisation booked by date (BookingService.SearchAppointmentsAsync).
        b.HasIndex(x => new { x.BookingOrganisationOds, x.StartUtc });

        b.HasOne(x => x.Patient).WithMany().HasForeignKey(x => x.PatientId);
        b.HasOne(x => x.Hub).WithMany().HasForeignKey(x => x.HubId);
    }
}

internal sealed class AppointmentSlotConfiguration : IEntityTypeConfiguration<AppointmentSlot>
{
    public void Configure(EntityTypeBuilder<AppointmentSlot> b)
    {
        b.HasKey(x => new { x.AppointmentId, x.SlotId });
        b.HasOne(x => x.Appointment).WithMany(x => x.Slots).HasForeignKey(x => x.AppointmentId);
        b.HasOne(x => x.Slot).WithMany().HasForeignKey(x => x.SlotId);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.HasIndex(x => x.OccurredUtc);
        b.HasIndex(x => new { x.Action, x.OccurredUtc });
        b.HasIndex(x => x.PatientId);
        b.Property(x => x.Actor).HasMaxLength(100);
        b.Property(x => x.ActorRole).HasMaxLength(40);
        b.Property(x => x.Action).HasMaxLength(60);
        b.Property(x => x.EntityType).HasMaxLength(40);
        b.Property(x => x.EntityId).HasMaxLength(40);
        b.Property(x => x.Outcome).HasMaxLength(40);
        b.Property(x => x.Detail).HasMaxLength(1000);
        b.Property(x => x.TraceId).HasMaxLength(100);
    }
}

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> b)
    {
        b.ToTable("Users");
        b.HasIndex(x => x.UserName).IsUnique();
        b.Property(x => x.UserName).HasMaxLength(100);
        b.Property(x => x.DisplayName).HasMaxLength(200);
        b.Property(x => x.PasswordHash).HasMaxLength(200);
        b.Property(x => x.Role).HasMaxLength(40);
        b.Property(x => x.OrganisationOds).HasMaxLength(10);
        b.Property(x => x.Scopes).HasMaxLength(200);
    }
}

internal sealed class BankHolidayConfiguration : IEntityTypeConfiguration<BankHoliday>
{
    public void Configure(EntityTypeBuilder<BankHoliday> b)
    {
        b.HasKey(x => x.Date);
        b.Property(x => x.Name).HasMaxLength(100);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("OutboxMessages");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.TemplateId).HasMaxLength(100);

        // No length limit: every value in it is limited where it is entered, but JSON may write a character as six
        // ("\u0627"), so a message within its own limit could outgrow a fixed column.
        b.Property(x => x.Personalisation);
        b.Property(x => x.Recipient).HasMaxLength(OutboxMessage.MaxRecipientLength);
        b.Property(x => x.LastError).HasMaxLength(OutboxMessage.MaxErrorLength);
        b.Property(x => x.IdempotencyKey).HasMaxLength(100);
        b.Property(x => x.ProviderReference).HasMaxLength(100);

        // One of each message per appointment and channel: the key is also the reference the sender de-duplicates on.
        b.HasIndex(x => x.IdempotencyKey).IsUnique();

        // The dispatcher's queue: pending messages by when they are due. Sent, failed and cancelled messages leave it, so
        // it stays the size of the queue and sending a message deletes its entry rather than moving it.
        b.HasIndex(x => x.DueUtc, "IX_OutboxMessages_Pending_DueUtc").HasFilter("\"Status\" = 'Pending'");
        b.HasIndex(x => x.AppointmentId);
        b.HasIndex(x => x.ConsultationRequestId);
        b.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId);
        b.HasOne<Forward.Domain.Consultation.ConsultationRequest>().WithMany().HasForeignKey(x => x.ConsultationRequestId);
    }
}
