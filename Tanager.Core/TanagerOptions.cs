namespace Tanager;

/// <summary>Engine settings. Bound from configuration section <c>Tanager</c> by the server; embedders set them in <c>AddTanager(o => …)</c>.</summary>
public sealed class TanagerOptions
{
    /// <summary>Argon2id memory cost in KiB. 19 MiB with 2 passes is OWASP's 2023 minimum for Argon2id.</summary>
    public int PasswordMemoryKiB { get; set; } = 19 * 1024;
    /// <summary>Argon2id passes (time cost).</summary>
    public int PasswordIterations { get; set; } = 2;
    /// <summary>How long a login session lasts.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>On shutdown, how long to wait for gateway clients to leave after RECONNECT before the process exits.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public GatewayOptions Gateway { get; } = new();
}
