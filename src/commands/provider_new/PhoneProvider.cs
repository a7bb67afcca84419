// {{CLASS}}: a custom phone provider for the MIM 2016 Service (PAM activation and SSPR
// phone gates), made by `mimmfa provider new`. What the MIM Service needs of it:
//  - one public, non-abstract, non-generic class implementing IPhoneServiceProvider, with a
//    public constructor without parameters: the service creates it with no arguments
//    (MFA042, MFA046, MFA047). Every other type here is internal.
//  - thread safety: the service calls it from several threads at once, and GetCallStatus and
//    GetFailureMessage may run on another thread than the InitiateCall before them. The only
//    state is the concurrent map of calls below, keyed by call id.
//  - no exception out of it: a failure becomes a Failed call, written to the event log or the
//    log file (ProviderLog.cs).
// Configuration comes from {{ASSEMBLY}}.settings beside the DLL (ProviderSettings.cs), never
// from MfaSettings.xml; no secret belongs in this code.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.IdentityManagement.PhoneServiceProvider;

namespace {{NAME}}
{
    public class {{CLASS}} : IPhoneServiceProvider
    {
        // How long a call is remembered after its last news: long past any MFA timeout.
        private static readonly TimeSpan Remembered = TimeSpan.FromHours(1);

        // Call id -> what is known of that call. Entries are replaced, never changed in place.
        private readonly ConcurrentDictionary<string, CallState> calls =
            new ConcurrentDictionary<string, CallState>(StringComparer.OrdinalIgnoreCase);

        public {{CLASS}}()
        {
            // Nothing that can fail: an exception here stops the MIM Service from using the provider.
        }

        public PhoneCallStatus InitiateCall(string phoneNumber, Guid requestId, Dictionary<string, object> deliveryAttributes)
        {
            // The service asks GetCallStatus with the request id as a string.
            string callId = requestId.ToString();
            Forget(DateTime.UtcNow - Remembered);
            CallState state;
            try
            {
                if (string.IsNullOrWhiteSpace(phoneNumber))
                {
                    state = CallState.Failed("the user has no phone number");
                }
                else
                {
                    state = PlaceCall(ProviderSettings.Load(), phoneNumber, requestId, deliveryAttributes);
                }
            }
            catch (Exception e)
            {
                ProviderLog.Failure("InitiateCall " + callId, e);
                state = CallState.Failed("the phone provider failed: " + e.Message);
            }
            calls[callId] = state;
            return state.Status;
        }

        public PhoneCallStatus GetCallStatus(string callId)
        {
            CallState state;
            if (callId == null || !calls.TryGetValue(callId, out state))
            {
                return PhoneCallStatus.Failed;
            }
            if (state.Status != PhoneCallStatus.Pending)
            {
                return state.Status;
            }
            try
            {
                CallState now = CheckCall(ProviderSettings.Load(), callId, state);
                calls.TryUpdate(callId, now, state);
                return now.Status;
            }
            catch (Exception e)
            {
                ProviderLog.Failure("GetCallStatus " + callId, e);
                calls.TryUpdate(callId, CallState.Failed("the phone provider failed: " + e.Message), state);
                return PhoneCallStatus.Failed;
            }
        }

        public string GetFailureMessage(string callId)
        {
            CallState state;
            if (callId == null || !calls.TryGetValue(callId, out state))
            {
                return "unknown call " + callId;
            }
            return state.Message;
        }

        // Start the call through your gateway (settings.Get("GatewayUrl"), credentials from the
        // settings file) and return Pending, or Success / Failed when the answer is already known.
        // Until it is written it fails closed: a provider that answered Success here would let
        // anyone through the MFA gate.
        private static CallState PlaceCall(ProviderSettings settings, string phoneNumber, Guid requestId, Dictionary<string, object> deliveryAttributes)
        {
            return CallState.Failed("not implemented: write PlaceCall in {{CLASS}}.cs to call the gateway "
                + settings.Get("GatewayUrl"));
        }

        // Ask the gateway how a pending call went; the state it returns replaces the old one.
        private static CallState CheckCall(ProviderSettings settings, string callId, CallState pending)
        {
            return pending;
        }

        private void Forget(DateTime lastNewsBefore)
        {
            foreach (KeyValuePair<string, CallState> call in calls)
            {
                if (call.Value.SinceUtc < lastNewsBefore)
                {
                    CallState gone;
                    calls.TryRemove(call.Key, out gone);
                }
            }
        }
    }

    // What is known of one call; immutable, so threads can share it.
    internal sealed class CallState
    {
        public readonly PhoneCallStatus Status;
        public readonly string Message;
        // When this was learnt.
        public readonly DateTime SinceUtc;

        public CallState(PhoneCallStatus status, string message, DateTime sinceUtc)
        {
            Status = status;
            Message = message ?? "";
            SinceUtc = sinceUtc;
        }

        public static CallState Pending() { return new CallState(PhoneCallStatus.Pending, "", DateTime.UtcNow); }
        public static CallState Success() { return new CallState(PhoneCallStatus.Success, "", DateTime.UtcNow); }
        public static CallState Failed(string why) { return new CallState(PhoneCallStatus.Failed, why, DateTime.UtcNow); }
    }
}
