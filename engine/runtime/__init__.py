"""Running files: start, read and retry instances, the inbox and task use cases, running engine
steps, opening files from other files, the task projection, timers and the scheduler, where
files stand, summaries and letters printed from files.
"""
