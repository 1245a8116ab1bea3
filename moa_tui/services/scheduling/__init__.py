"""Scheduling: providers' hours, booking and the slot finder, the day schedule and calendar,
recurring series, the waitlist, absences, day sheets, iCalendar and the calls worklist.
"""
