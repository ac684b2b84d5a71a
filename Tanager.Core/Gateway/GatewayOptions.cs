namespace Tanager;

/// <summary>Gateway limits shared by every transport.</summary>
public sealed class GatewayOptions
{
    /// <summary>
    /// The HELLO heartbeat interval. A connection silent for twice this long (<see cref="HeartbeatTimeout"/>) is closed
    /// (4009) and its user goes offline at once. The 10 s default puts a client that vanished without closing (process
    /// killed, network gone) offline within 21 s: 20 s of silence plus up to 1 s until the next sweep.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may stay silent before it is declared dead: two heartbeat intervals, so one late or lost heartbeat is forgiven.</summary>
    internal TimeSpan HeartbeatTimeout => 2 * HeartbeatInterval;
    /// <summary>How long a new connection may take to IDENTIFY before it is closed (4009).</summary>
    public TimeSpan IdentifyTimeout { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Frames waiting to be written to one connection before it counts as a slow consumer (4010).</summary>
    public int SendQueueFrames { get; set; } = 2048;
    /// <summary>
    /// Bytes waiting to be written to one connection before it counts as a slow consumer. 4 MiB holds ~10k typical
    /// MESSAGE_CREATE frames (~400 B): many seconds of a busy channel, so only a stalled reader trips it.
    /// </summary>
    public long SendQueueBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>The largest message a client may send. Client ops are small (IDENTIFY is ~100 B); 64 KiB leaves room for the ops to come without inviting memory abuse.</summary>
    public int MaxInboundMessageBytes { get; set; } = 64 * 1024;
    /// <summary>
    /// How long a connection holds a channel event that arrived ahead of a missing one (events published by different
    /// nodes may cross) before it reads the missing changes from the store.
    /// </summary>
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>
    /// The most changes of one channel replayed from the store on a resume or catch-up. A client further behind gets the
    /// newest ones; the jump in <c>change_sequence</c> tells it to page the rest over REST (<c>GET …/changes</c>).
    /// </summary>
    public int ReplayLimit { get; set; } = 1000;
    /// <summary>A connection with no activity (ops other than HEARTBEAT) for this long shows its user as away.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
