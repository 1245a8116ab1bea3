"""Scheduling screens: the day schedule, booking, the calendar, providers' hours, absences, the
waitlist and offers of freed slots, the calls worklist, intake items.
"""
