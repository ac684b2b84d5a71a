using System.Globalization;
using Microsoft.JSInterop;
using Tanager.Client;
using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Notification settings in a side panel: which unread messages are emailed while away, muted channels, quiet hours
/// (in the browser's time zone unless changed), and the browser's permission for desktop notifications.
/// </summary>
public sealed partial class TanagerChat
{
    private bool _settingsOpen;
    /// <summary>Whether the saved preferences have been read: the form is shown only then, so that nothing chosen in it is overwritten by the load.</summary>
    private bool _settingsLoaded;
    private string _emailLevel = "mentions";
    private readonly HashSet<string> _muted = new(StringComparer.Ordinal);
    private bool _quietOn;
    private TimeOnly? _quietStart = new(22, 0);
    private TimeOnly? _quietEnd = new(7, 0);
    private string _quietZone = "UTC";
    private string? _settingsStatus;

    private async Task OpenSettingsAsync()
    {
        if (_client is null)
        {
            return;
        }
        CloseThread();
        CloseSearch();
        _settingsOpen = true;
        _settingsLoaded = false;
        _settingsStatus = null;
        await RunAsync(async () =>
        {
            var saved = await _client.GetNotificationPreferencesAsync(_disposing.Token);
            _emailLevel = saved.Email ?? "mentions";
            _muted.Clear();
            _muted.UnionWith((saved.MutedChannels ?? []).OfType<string>());
            _quietOn = saved.QuietHours is not null;
            if (saved.QuietHours is { Start: { } start, End: { } end, TimeZone: { } zone })
            {
                _quietStart = TimeOnly.ParseExact(start, "HH:mm", CultureInfo.InvariantCulture);
                _quietEnd = TimeOnly.ParseExact(end, "HH:mm", CultureInfo.InvariantCulture);
                _quietZone = zone;
            }
            else if (_module is not null)
            {
                _quietZone = await _module.InvokeAsync<string>("timeZone", _disposing.Token);
            }
            _settingsLoaded = true;
        });
    }

    private void CloseSettings() => _settingsOpen = false;

    private void ToggleMute(string channelId, bool muted)
    {
        if (muted)
        {
            _muted.Add(channelId);
        }
        else
        {
            _muted.Remove(channelId);
        }
    }

    private async Task SaveSettingsAsync()
    {
        if (_client is null)
        {
            return;
        }
        _settingsStatus = null;
        var preferences = new NotificationPreferencesDto
        {
            Email = _emailLevel,
            MutedChannels = [.. _muted.Order(StringComparer.Ordinal)],
            QuietHours = _quietOn
                ? new QuietHoursDto
                {
                    Start = _quietStart?.ToString("HH:mm", CultureInfo.InvariantCulture),
                    End = _quietEnd?.ToString("HH:mm", CultureInfo.InvariantCulture),
                    TimeZone = _quietZone.Trim(),
                }
                : new QuietHoursDto(),
        };
        try
        {
            await _client.SetNotificationPreferencesAsync(preferences, _disposing.Token);
            _settingsStatus = "Saved.";
        }
        catch (TanagerApiException exception)
        {
            _settingsStatus = $"Not saved: {exception.Message}";
        }
        catch (HttpRequestException)
        {
            _settingsStatus = "Not saved: the server could not be reached.";
        }
    }
}
