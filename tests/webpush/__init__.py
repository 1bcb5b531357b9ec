"""A local stand-in for the browsers' push services (RFC 8030, 8291, 8292), and its tests.

These machines cannot reach FCM, Mozilla, Apple or Windows push services; the stand-in
checks what they check (VAPID, aes128gcm) so floorapp's Web Push can be tested here.
"""
