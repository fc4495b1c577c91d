namespace Forward.Data.Migrations;

/// <summary>
/// Gives the audit events written before they carried a practice and a CCG the scope they would have had (the
/// AuditEventScope migration, the same SQL on both databases): commissioners see an event through its hub, its practice
/// or its CCG, and events without a hub were shown to every commissioner. Only the new columns are filled.
/// </summary>
internal static class AuditEventScopeSql
{
    public static readonly string[] Statements =
    [
        // Hub-less events about a patient: the patient's practice (online requests, triage, FHIR patient calls).
        """
        UPDATE "AuditEvents"
        SET "PracticeId" = (SELECT p."RegisteredPracticeId" FROM "Patients" AS p WHERE p."Id" = "AuditEvents"."PatientId")
        WHERE "HubId" IS NULL AND "PatientId" IS NOT NULL;
        """,

        // An online request with no matched patient: the request's practice.
        """
        UPDATE "AuditEvents"
        SET "PracticeId" = (SELECT r."PracticeId" FROM "ConsultationRequests" AS r WHERE CAST(r."Id" AS TEXT) = "AuditEvents"."EntityId")
        WHERE "HubId" IS NULL AND "PracticeId" IS NULL AND "EntityType" = 'ConsultationRequest';
        """,

        // A practice's triage queue and its online-request limit name the practice itself.
        """
        UPDATE "AuditEvents"
        SET "PracticeId" = (SELECT pr."Id" FROM "Practices" AS pr WHERE CAST(pr."Id" AS TEXT) = "AuditEvents"."EntityId")
        WHERE "HubId" IS NULL AND "PracticeId" IS NULL AND "EntityType" = 'Practice';
        """,

        // A training record's change names its practice's code in the detail.
        """
        UPDATE "AuditEvents"
        SET "PracticeId" = (SELECT pr."Id" FROM "Practices" AS pr WHERE 'practice ' || pr."OdsCode" = "AuditEvents"."Detail")
        WHERE "HubId" IS NULL AND "PracticeId" IS NULL AND "EntityType" = 'NavigatorTraining';
        """,

        // What is left (sign-ins, FHIR calls about no patient): the acting user's CCG, through their hub or practice.
        $"""
        UPDATE "AuditEvents"
        SET "CcgId" = ({ActingUsersCcg})
        WHERE "HubId" IS NULL AND "PracticeId" IS NULL;
        """,
    ];

    /// <summary>
    /// Every event gets its acting user's CCG where the AuditEventScope migration gave it none (it stamped only events
    /// naming no hub or practice; the code before the AuditEventActingCcg migration stamped only commissioners').
    /// </summary>
    internal const string StampActingUsersCcg = $"""
        UPDATE "AuditEvents"
        SET "CcgId" = ({ActingUsersCcg})
        WHERE "CcgId" IS NULL;
        """;

    /// <summary>The CCG of the user an audit row names, through their own CCG, hub or practice (a scalar subquery).</summary>
    private const string ActingUsersCcg = """
        SELECT COALESCE(u."CcgId", h."CcgId", n."CcgId")
        FROM "Users" AS u
        LEFT JOIN "Hubs" AS h ON h."Id" = u."HubId"
        LEFT JOIN "Practices" AS pr ON pr."Id" = u."PracticeId"
        LEFT JOIN "Networks" AS n ON n."Id" = pr."NetworkId"
        WHERE u."UserName" = "AuditEvents"."Actor"
        """;
}
