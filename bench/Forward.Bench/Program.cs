using Forward.Bench;

// Issue 7 benchmarks. Each mode prints "name: value (ratio ...)" lines on stdout; bench/*.sh call these.
//   load             --url U --provider sqlite|postgres --connection CS [--clients 32] [--seconds 20] [--pid P] [--baseline N]
//   sqlite-baseline  --file PATH [--writers 32] [--seconds 20]
//   search           --provider sqlite|postgres [--connection CS] [--database forward_search (PostgreSQL; _N hubs is added)] [--hubs 10,50,200] [--queries 2000]
//   compliance       --provider sqlite|postgres [--connection CS] [--database forward_ics_year (PostgreSQL)] [--appointments 10000000] [--runs 3]
var options = Args.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "load" => await BookingLoad.RunAsync(options),
    "sqlite-baseline" => await SqliteInsertBaseline.RunAsync(options),
    "search" => await SlotSearchBench.RunAsync(options),
    "compliance" => await ComplianceReportBench.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Forward.Bench load|sqlite-baseline|search|compliance --option value ...  (see bench/booking.sh, bench/search.sh)");
    return 2;
}
