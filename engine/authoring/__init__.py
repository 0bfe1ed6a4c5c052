"""What process owners do with diagrams: drafts, deployment, versions and their diff, and
moving running files to a newer version.
"""
