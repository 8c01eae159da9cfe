from pamtalk.events.catalogue import CATALOGUE, UnknownEvent, parse
from pamtalk.events.envelope import Envelope, Event

__all__ = ["CATALOGUE", "Envelope", "Event", "UnknownEvent", "parse"]
