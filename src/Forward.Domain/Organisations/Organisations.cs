namespace Forward.Domain.Organisations;

/// <summary>Integrated care system or its forerunner, the sustainability and transformation partnership.</summary>
public class CareSystem
{
    public int Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>Seed file and line the facts came from, e.g. "000_dc1595fd4288bcbf.txt:86".</summary>
    public string? Source { get; set; }

    public List<Ccg> Ccgs { get; set; } = [];
}

/// <summary>Clinical commissioning group (now an ICB sub-location): the commissioner Forward serves.</summary>
public class Ccg
{
    public int Id { get; set; }

    /// <summary>ODS code of the CCG.</summary>
    public required string OdsCode { get; set; }

    public required string Name { get; set; }

    public int CareSystemId { get; set; }

    public CareSystem? CareSystem { get; set; }

    /// <summary>The registered population the seed plans state for this CCG; practice list sizes add up to it.</summary>
    public int StatedPopulation { get; set; }

    public string? Source { get; set; }

    public List<PrimaryCareNetwork> Networks { get; set; } = [];
}

/// <summary>
/// A cluster of practices (the seeds say cluster, neighbourhood or Primary Care Network) serving 30,000–50,000 patients,
/// inside a named locality.
/// </summary>
public class PrimaryCareNetwork
{
    public int Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>The locality the seeds name (Bedford, Ivel Valley, ...).</summary>
    public required string Locality { get; set; }

    public int CcgId { get; set; }

    public Ccg? Ccg { get; set; }

    /// <summary>True where the seeds do not name this cluster and Forward generated it.</summary>
    public bool IsSynthetic { get; set; }

    public string? Source { get; set; }

    public List<Practice> Practices { get; set; } = [];
}

public enum ContractType
{
    Gms,
    Pms,
    Apms,
}

public class Practice
{
    public int Id { get; set; }

    /// <summary>ODS-style practice code (a letter and five digits).</summary>
    public required string OdsCode { get; set; }

    public required string Name { get; set; }

    public int NetworkId { get; set; }

    public PrimaryCareNetwork? Network { get; set; }

    public int ListSize { get; set; }

    public ContractType Contract { get; set; }

    /// <summary>EMIS Web, SystmOne, Vision ...</summary>
    public required string ClinicalSystem { get; set; }

    public string? Phone { get; set; }

    /// <summary>True where the seeds do not name the practice or give its list size (nearly all: they give totals only).</summary>
    public bool IsSynthetic { get; set; }
}
