"""The comms area's screens: new call (from any screen), the inbox, the urgent-call banner."""
